import { Controller, Get, Inject, Query, Req, Res, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { bearerToken } from '../auth/bearer-token';
import { Public } from '../auth/public.decorator';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { TimelineFeed, type TimelineChange } from './timeline-feed';

export const HEARTBEAT_MS = 15_000;
/** What EventSource waits before reconnecting after the stream drops. */
const RETRY_MS = 2_000;
const TOKEN = /^[A-Za-z0-9\-._~+/]{1,512}=*$/;

export const eventsQuerySchema = z.object({
  token: z.string().max(600).optional(),
  lastEventId: z.string().max(32).optional(),
});

/**
 * Live updates for the dashboard as server-sent events: an `incident` event (id = the
 * timeline entry's id, data `{incidentId, type, at}`) for every entry appended to any
 * incident's timeline, and a `: heartbeat` comment every 15 s so proxies keep the stream open.
 * A reconnect sends `Last-Event-ID` and resumes after it.
 *
 * Auth: the browser's EventSource cannot send an Authorization header, so this one route also
 * takes the token as `?token=`, checked by the same TokenAuthenticator as the bearer header
 * (which is still accepted). The route is @Public only so the global guard lets the query
 * parameter through; without a valid token it answers 401 like any other /api/ route. It sends
 * no data but incident ids and entry types, which any viewer may read anyway.
 */
@Controller('api/events')
export class EventsController implements OnModuleDestroy {
  private readonly open = new Set<Response>();

  constructor(
    @Inject(TokenAuthenticator) private readonly authenticator: TokenAuthenticator,
    @Inject(TimelineFeed) private readonly feed: TimelineFeed,
  ) {}

  @Get()
  @Public()
  @ApiDoc({
    summary: 'Live updates (server-sent events): `incident` events as incident timelines grow',
    description:
      'text/event-stream. Needs a viewer token: `Authorization: Bearer`, or `?token=` because EventSource cannot set headers. Send `Last-Event-ID` (or `?lastEventId=`) to resume after an event. A `: heartbeat` comment every 15 s.',
    query: eventsQuerySchema,
  })
  async stream(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    const parsed = eventsQuerySchema.safeParse(query);
    const fromQuery = parsed.success ? parsed.data.token : undefined;
    const token = bearerToken(request.headers.authorization) ?? (fromQuery && TOKEN.test(fromQuery) ? fromQuery : null);
    const actor = token ? await this.authenticator.authenticate(token) : null;
    if (!actor) {
      response.setHeader('WWW-Authenticate', token ? 'Bearer realm="vigil", error="invalid_token"' : 'Bearer realm="vigil"');
      response.status(401).json({ statusCode: 401, error: 'Unauthorized', message: token ? 'unknown or revoked token' : 'missing token: send Authorization: Bearer <token> or ?token=<token>' });
      return;
    }
    const head = await this.feed.head();
    const resumeRaw = request.headers['last-event-id'] ?? (parsed.success ? parsed.data.lastEventId : undefined);
    const resume = typeof resumeRaw === 'string' && /^\d{1,15}$/.test(resumeRaw.trim()) ? Number(resumeRaw.trim()) : null;

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    this.open.add(response);
    // Without Last-Event-ID the stream starts now; the ready event's id makes a later reconnect resume here.
    const cursor = resume === null ? head : Math.min(resume, head);
    response.write(`retry: ${RETRY_MS}\n${resume === null ? `id: ${head}\n` : ''}event: ready\ndata: ${JSON.stringify({ head, resumedFrom: resume, name: actor.name, role: actor.role })}\n\n`);

    const unsubscribe = this.feed.subscribe({
      cursor,
      deliver: (changes: readonly TimelineChange[]) => {
        response.write(changes.map((c) => `id: ${c.id}\nevent: incident\ndata: ${JSON.stringify({ incidentId: c.incidentId, type: c.type, at: c.at })}\n\n`).join(''));
      },
    });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const done = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(response);
    };
    request.on('close', done);
    response.on('close', done);
  }

  /** Ends open streams so the HTTP server can close (EventSource clients reconnect to another replica). */
  onModuleDestroy(): void {
    for (const response of this.open) response.end();
    this.open.clear();
    this.feed.close();
  }
}
