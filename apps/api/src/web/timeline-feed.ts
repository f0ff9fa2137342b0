import type { Database } from '@vigil/store';
import type { Logger } from 'pino';

/** One new incident timeline entry, as the live-updates stream sends it. */
export interface TimelineChange {
  /** incident_timeline.id: increasing, used as the SSE event id so a reconnect resumes after it. */
  id: number;
  incidentId: string;
  type: string;
  at: string;
}

export interface FeedSubscriber {
  /** Entries after this id are delivered; advanced as they are. */
  cursor: number;
  deliver(changes: readonly TimelineChange[]): void;
}

const BATCH = 500;

/**
 * Polls `incident_timeline` for rows past the lowest cursor of its subscribers (every
 * `pollMs`, only while someone listens) and hands each subscriber the rows past its own
 * cursor. Whoever changes an incident (responder, API, Slack, another replica) writes the
 * timeline in the same transaction, so its growth is the one signal that something changed.
 *
 * Ids come from a sequence: a transaction that took an id earlier may commit after a later
 * one, and a poll in between would skip it. The stream says *which incident changed* and the
 * dashboard refetches that incident, so a skipped row only delays a refresh until the next
 * change or reconnect; it never shows wrong data.
 */
export class TimelineFeed {
  private readonly subscribers = new Set<FeedSubscriber>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly db: Database,
    private readonly pollMs = 1000,
    private readonly logger?: Logger,
  ) {}

  /** The newest timeline id now (0 when empty): where a client without Last-Event-ID starts. */
  async head(): Promise<number> {
    const { rows } = await this.db.query<{ max: string | null }>('SELECT max(id)::text AS max FROM incident_timeline');
    return Number(rows[0]?.max ?? 0);
  }

  subscribe(subscriber: FeedSubscriber): () => void {
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    void this.poll();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  close(): void {
    this.subscribers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.subscribers.size === 0) return;
    this.polling = true;
    try {
      for (;;) {
        const from = Math.min(...[...this.subscribers].map((s) => s.cursor));
        const { rows } = await this.db.query<{ id: string; incident_id: string; type: string; at: Date | string }>(
          'SELECT id::text AS id, incident_id, type, at FROM incident_timeline WHERE id > $1 ORDER BY id LIMIT $2',
          [from, BATCH],
        );
        const changes = rows.map((r) => ({ id: Number(r.id), incidentId: r.incident_id, type: r.type, at: new Date(r.at).toISOString() }));
        for (const subscriber of this.subscribers) {
          const mine = changes.filter((c) => c.id > subscriber.cursor);
          if (mine.length === 0) continue;
          subscriber.cursor = mine[mine.length - 1]!.id;
          subscriber.deliver(mine);
        }
        if (rows.length < BATCH) break;
      }
    } catch (error) {
      this.logger?.warn({ err: error }, 'live updates: polling the incident timeline failed; retrying');
    } finally {
      this.polling = false;
    }
  }
}
