import type { Queryable } from './database';
import { msOf } from './incident-rows';

/** An incident's Slack channel and its card, as SlackSync left them. */
export interface SlackIncidentChannel {
  incidentId: string;
  /** Null until conversations.create succeeded. */
  channelId: string | null;
  channelName: string | null;
  /** The incident card's message ts (chat.update keeps it current); null until posted. */
  cardTs: string | null;
  /** Where timeline entries are posted as replies: the card's ts. */
  threadTs: string | null;
  /** When the configured responders were invited; null: not yet. */
  invitedAtMs: number | null;
  /** The channel topic as last set. */
  topic: string | null;
  /** When Slack said the channel was archived or deleted (nothing is sent to it after); null: open. */
  closedAtMs?: number | null;
  createdAtMs?: number;
  updatedAtMs?: number;
}

interface ChannelRow {
  incident_id: string;
  channel_id: string | null;
  channel_name: string | null;
  card_ts: string | null;
  thread_ts: string | null;
  invited_at_ms: number | null;
  topic: string | null;
  closed_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

const COLUMNS = `incident_id, channel_id, channel_name, card_ts, thread_ts, ${msOf('invited_at')}, topic, ${msOf('closed_at')}, ${msOf('created_at')}, ${msOf('updated_at')}`;

const optionalTs = (n: number): string => `CASE WHEN $${n}::float8 IS NULL THEN NULL ELSE to_timestamp($${n}::float8 / 1000) END`;

const fromRow = (r: ChannelRow): SlackIncidentChannel => ({
  incidentId: r.incident_id,
  channelId: r.channel_id,
  channelName: r.channel_name,
  cardTs: r.card_ts,
  threadTs: r.thread_ts,
  invitedAtMs: r.invited_at_ms === null ? null : Number(r.invited_at_ms),
  topic: r.topic,
  closedAtMs: r.closed_at_ms === null ? null : Number(r.closed_at_ms),
  createdAtMs: Number(r.created_at_ms),
  updatedAtMs: Number(r.updated_at_ms),
});

/**
 * Which Slack channel belongs to which incident. Written by the outbound sync; read by the
 * inbound half to map a channel (message, slash command, button) to its incident.
 */
export class SlackChannelRepository {
  constructor(private readonly db: Queryable) {}

  async byIncident(incidentId: string): Promise<SlackIncidentChannel | null> {
    const { rows } = await this.db.query<ChannelRow>(`SELECT ${COLUMNS} FROM slack_incident_channels WHERE incident_id = $1`, [incidentId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async byChannel(channelId: string): Promise<SlackIncidentChannel | null> {
    const { rows } = await this.db.query<ChannelRow>(`SELECT ${COLUMNS} FROM slack_incident_channels WHERE channel_id = $1`, [channelId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Inserts or replaces the incident's row (every field as given). */
  async save(row: SlackIncidentChannel): Promise<SlackIncidentChannel> {
    const { rows } = await this.db.query<ChannelRow>(
      `INSERT INTO slack_incident_channels (incident_id, channel_id, channel_name, card_ts, thread_ts, invited_at, topic, closed_at)
       VALUES ($1, $2, $3, $4, $5, ${optionalTs(6)}, $7, ${optionalTs(8)})
       ON CONFLICT (incident_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, channel_name = EXCLUDED.channel_name, card_ts = EXCLUDED.card_ts,
         thread_ts = EXCLUDED.thread_ts, invited_at = EXCLUDED.invited_at, topic = EXCLUDED.topic, closed_at = EXCLUDED.closed_at, updated_at = now()
       RETURNING ${COLUMNS}`,
      [row.incidentId, row.channelId, row.channelName, row.cardTs, row.threadTs, row.invitedAtMs, row.topic, row.closedAtMs ?? null],
    );
    return fromRow(rows[0] as ChannelRow);
  }
}
