import { Controller, Get, Inject, Query } from '@nestjs/common';
import { IncidentRepository, type Database } from '@vigil/store';
import { z } from 'zod';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';

const DAY = 86_400_000;
export const responseTimesQuerySchema = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .strict();
const responseTimesSchema = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(z.object({ service: z.string(), severity: z.string(), incidents: z.number(), mttdMs: z.number().nullable(), mttaMs: z.number().nullable(), mttmMs: z.number().nullable(), mttrMs: z.number().nullable() })),
});

@Controller('api/response-times')
export class ResponseTimesController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({
    summary: 'Mean time to detect / acknowledge / mitigate / resolve, per service and severity',
    description: 'Over incidents opened in [from, to) (default: the last 30 days). Detect is measured from the first anomalous point; the others from detection.',
    query: responseTimesQuerySchema,
    response: responseTimesSchema,
  })
  async get(@Query(new ZodValidationPipe(responseTimesQuerySchema)) query: z.output<typeof responseTimesQuerySchema>) {
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = query.from ? Date.parse(query.from) : to - 30 * DAY;
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), items: await new IncidentRepository(this.db).responseTimes(from, to) };
  }
}
