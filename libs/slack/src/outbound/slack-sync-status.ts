import { SlackSyncStateRepository, type Queryable } from '@vigil/store';

/** What GET /api/slack/status shows. */
export interface SlackSyncStatus {
  /** False without SLACK_BOT_TOKEN: nothing is sent to Slack. */
  enabled: boolean;
  /** Timeline entries not yet handled (posted to Slack, or found not meant for it). */
  behind: number;
  /** The last timeline id handled. */
  cursor: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  /** Set while Slack asked this process to wait (HTTP 429 Retry-After). */
  pausedUntil: string | null;
  /** Which process holds the cursor, and until when. */
  leaseOwner: string | null;
  leaseUntil: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The sync's progress as stored (any process can read it; `pausedUntil` is only known in the process that paused). */
export async function readSlackSyncStatus(db: Queryable, enabled: boolean): Promise<SlackSyncStatus> {
  const s = await new SlackSyncStateRepository(db).state();
  return {
    enabled,
    behind: s.behind,
    cursor: s.lastTimelineId,
    lastError: s.lastError,
    lastErrorAt: iso(s.lastErrorAtMs),
    lastSuccessAt: iso(s.lastSuccessAtMs),
    pausedUntil: null,
    leaseOwner: s.leaseOwner,
    leaseUntil: iso(s.leaseUntilMs),
  };
}
