import type { Queryable } from './database';

/** Something posted to Slack once: `card:<incident id>`, `entry:<timeline id>`, `postmortem:<timeline id>`. */
export interface SlackMessageRecord {
  key: string;
  incidentId: string;
  channelId: string;
  /** The message's ts; null while its outcome is unknown (the call was started, no answer recorded). */
  ts: string | null;
  fileId: string | null;
  done: boolean;
}

interface MessageRow {
  key: string;
  incident_id: string;
  channel_id: string;
  ts: string | null;
  file_id: string | null;
  done: boolean;
}

/**
 * The outbound sync's memory of what it already posted, written around each Slack call: `begin`
 * before (so an unanswered call is known to have maybe happened), `complete` after.
 */
export class SlackMessageRepository {
  constructor(private readonly db: Queryable) {}

  async get(key: string): Promise<SlackMessageRecord | null> {
    const { rows } = await this.db.query<MessageRow>('SELECT key, incident_id, channel_id, ts, file_id, done_at IS NOT NULL AS done FROM slack_messages WHERE key = $1', [key]);
    const r = rows[0];
    return r ? { key: r.key, incidentId: r.incident_id, channelId: r.channel_id, ts: r.ts, fileId: r.file_id, done: r.done } : null;
  }

  /** Records that a call for `key` is about to be made (kept as it was when one already was). */
  async begin(key: string, incidentId: string, channelId: string): Promise<void> {
    await this.db.query('INSERT INTO slack_messages (key, incident_id, channel_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [key, incidentId, channelId]);
  }

  async complete(key: string, result: { ts: string | null; fileId?: string | null }): Promise<void> {
    await this.db.query('UPDATE slack_messages SET ts = $2, file_id = $3, done_at = now() WHERE key = $1', [key, result.ts, result.fileId ?? null]);
  }
}
