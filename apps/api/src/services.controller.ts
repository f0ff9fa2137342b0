import { Controller, Get, Inject } from '@nestjs/common';
import { IncidentRepository, ServiceCallRepository, type Database } from '@vigil/store';
import { z } from 'zod';
import { RequireRole } from './auth/require-role.decorator';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';

const WEEK = 7 * 86_400_000;
/** Open incidents looked at for their services (the oldest beyond this are not counted). */
const OPEN_INCIDENTS = 1000;

const servicesResponseSchema = z.object({
  services: z.array(
    z.object({
      name: z.string(),
      openIncidents: z.number().int().describe('Open (not resolved) incidents naming this service'),
      calls: z.object({ to: z.array(z.string()).describe('Services it calls'), from: z.array(z.string()).describe('Services calling it') }),
    }),
  ),
  edges: z.array(z.object({ caller: z.string(), callee: z.string(), calls: z.number().int(), lastSeen: z.iso.datetime().describe('Start of the last minute with a call') })),
});

/** The services Vigil knows of: the call graph learnt from traces (last 7 days) and the services of open incidents. */
@Controller('api/services')
@RequireRole('viewer')
export class ServicesController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({ summary: 'Services with their callers and callees (calls seen in traces over the last 7 days) and open incidents', response: servicesResponseSchema })
  async list(): Promise<z.output<typeof servicesResponseSchema>> {
    const graph = await new ServiceCallRepository(this.db).graph(Date.now() - WEEK);
    const open = await new IncidentRepository(this.db).list({ status: 'open', limit: OPEN_INCIDENTS });
    const services = new Map<string, { name: string; openIncidents: number; calls: { to: Set<string>; from: Set<string> } }>();
    const service = (name: string) => {
      let s = services.get(name);
      if (!s) services.set(name, (s = { name, openIncidents: 0, calls: { to: new Set(), from: new Set() } }));
      return s;
    };
    for (const e of graph) {
      service(e.caller).calls.to.add(e.callee);
      service(e.callee).calls.from.add(e.caller);
    }
    for (const incident of open.items) for (const name of new Set(incident.services)) service(name).openIncidents++;
    const sorted = (set: Set<string>) => [...set].sort();
    return {
      services: [...services.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((s) => ({ name: s.name, openIncidents: s.openIncidents, calls: { to: sorted(s.calls.to), from: sorted(s.calls.from) } })),
      edges: graph.map((e) => ({ caller: e.caller, callee: e.callee, calls: e.calls, lastSeen: new Date(e.lastSeenMs).toISOString() })),
    };
  }
}
