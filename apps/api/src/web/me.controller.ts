import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ROLES } from '../auth/role';
import { ApiDoc } from '../openapi/api-doc.decorator';

const meSchema = z.object({ name: z.string(), role: z.enum(ROLES) });

/** Who the bearer token is: the dashboard shows only the actions this role may take. */
@Controller('api/me')
export class MeController {
  @Get()
  @ApiDoc({ summary: "The caller's token name and role", response: meSchema })
  me(@CurrentActor() actor: Actor): z.output<typeof meSchema> {
    return { name: actor.name, role: actor.role };
  }
}
