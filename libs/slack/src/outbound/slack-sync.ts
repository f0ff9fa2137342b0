import { SlackChannelRepository, SlackMessageRepository, SlackSyncStateRepository, type Database, type SlackIncidentChannel, type StoredTimelineEntry } from '@vigil/store';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { DeskRefusal, type DeskIncident } from '../incident-desk';
import type { SlackMessage } from '../views/blocks';
import { channelNameFor, channelTopicFor } from '../views/channel-name';
import { incidentCard } from '../views/incident-card';
import { redactText } from '../views/text';
import { timelineMessage } from '../views/timeline-message';
import { readSlackSyncStatus, type SlackSyncStatus } from './slack-sync-status';
import { SlackCallError, SlackWebApi, type SlackResult } from './slack-web-api';

export type Severity = DeskIncident['severity'];

export interface SlackSyncBackoff {
  /** The first retry after a failure waits up to this long; each further one up to twice as long… */
  baseMs: number;
  /** …up to this cap. */
  capMs: number;
}

export interface SlackSyncOptions {
  /** SLACK_BOT_TOKEN. */
  token: string;
  /** SLACK_API_URL. */
  apiUrl: string;
  /** SLACK_MIN_SEVERITY: incidents at this severity or worse get a channel. */
  minSeverity: Severity;
  /** SLACK_RESPONDERS: Slack user ids invited to every incident channel. */
  responders: readonly string[];
  /** The incident as the card shows it (the API's IncidentDesk.get). */
  incident: (incidentId: string) => Promise<DeskIncident | null>;
  /** The postmortem draft in markdown, uploaded when the incident resolves (called once per resolution). */
  postmortem: (incidentId: string) => Promise<string>;
  /** This process's name on the lease (default host:pid:random). */
  owner?: string;
  /** How long the lease on the cursor lasts without being renewed. */
  leaseMs?: number;
  /** How often to look for new timeline entries when there were none. */
  pollIntervalMs?: number;
  /** Timeline entries read at once. */
  batchSize?: number;
  backoff?: SlackSyncBackoff;
  /** One Slack HTTP request may take this long. */
  timeoutMs?: number;
  /**
   * A hole in the timeline ids (an insert still in flight, or rolled back) is waited for this long
   * before the cursor passes it.
   */
  gapGraceMs?: number;
  /** An incident resolved longer ago than this gets no channel when the sync first sees it (catching up after a long outage). */
  maxCatchUpMs?: number;
  /** A step that Slack refuses for this one entry (an archived channel, a deleted card…) is tried this often, then skipped. */
  maxEntryAttempts?: number;
  logger?: Logger;
  registry?: Registry;
  random?: () => number;
  /** The Web API client; default: one for `token` and `apiUrl`. */
  api?: SlackWebApi;
}

const SEVERITY_RANK: Record<Severity, number> = { sev1: 1, sev2: 2, sev3: 3, sev4: 4 };

/** The incident's channel is archived or deleted: stop sending to it (and do not hold the queue). */
const CHANNEL_GONE = new Set(['is_archived', 'channel_not_found']);

/** Timeline entries captured from the channel itself: already in Slack, so not posted back. */
const FROM_SLACK = new Set(['slack_message']);

/**
 * Slack answers that concern one entry only (its channel was archived, its card deleted, its text
 * refused): retried `maxEntryAttempts` times, then the entry's step is skipped so one bad entry
 * does not hold every incident behind it. Anything else (auth, scopes, unknown) is retried until it
 * works: the status shows it and nothing is lost.
 */
const ENTRY_ERRORS = new Set([
  'not_in_channel', 'message_not_found', 'cant_update_message', 'edit_window_closed',
  'msg_too_long', 'no_text', 'invalid_blocks', 'invalid_blocks_format', 'invalid_arguments', 'invalid_attachments', 'too_many_attachments',
  'invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large', 'thread_not_found', 'invalid_thread_ts',
]);

class Stopped extends Error {}
class LeaseLost extends Error {
  constructor() {
    super('the Slack sync lease moved to another process');
  }
}

/**
 * Mirrors incidents into Slack: reads `incident_timeline` in id order from a cursor and, for each
 * entry of an incident at or above the minimum severity, makes sure the incident has its channel
 * (created, responders invited, topic set), posts or updates its card in place, posts the entry in
 * the card's thread, and uploads the postmortem draft when it resolves.
 *
 * One process at a time advances the cursor (a lease on slack_sync_state); any number may run
 * the sync and wait their turn. Entries are handled one after another, so Slack sees every change
 * in order: a 429 pauses the whole queue for its Retry-After and repeats the same call; an outage
 * (connection errors, 5xx) backs off exponentially and is recorded for GET /api/slack/status,
 * while incidents go on without Slack. The cursor moves only once an entry is fully handled (at
 * least once), and slack_messages remembers what was posted, so a retry never posts twice.
 */
export class SlackSync {
  private readonly api: SlackWebApi;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly backoff: SlackSyncBackoff;
  private readonly gapGraceMs: number;
  private readonly maxCatchUpMs: number;
  private readonly maxEntryAttempts: number;
  private readonly state: SlackSyncStateRepository;
  private readonly channels: SlackChannelRepository;
  private readonly messages: SlackMessageRepository;
  private readonly calls: Counter<'method' | 'outcome'> | null;
  private loop: Promise<void> | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private leaseRenewedAtMs = 0;
  private pausedUntilMs: number | null = null;
  private gap: { after: string; seenAtMs: number } | null = null;
  private entryFailures: { id: string; count: number } | null = null;
  /** Postmortems generated for an upload still to finish: a retry re-uploads the same draft instead of drafting another revision. */
  private readonly drafts = new Map<string, string>();
  /** Incidents read for the current batch: one read per incident per batch (it is newer than every entry in the batch). */
  private readonly batchIncidents = new Map<string, Promise<DeskIncident | null>>();
  /** The card last shown per incident (JSON), so an entry that changes nothing on it costs no chat.update. */
  private readonly shownCards = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly options: SlackSyncOptions,
  ) {
    this.api = options.api ?? new SlackWebApi({ token: options.token, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs ?? 10_000, ...(options.logger ? { logger: options.logger } : {}) });
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.backoff = options.backoff ?? { baseMs: 1_000, capMs: 60_000 };
    this.gapGraceMs = options.gapGraceMs ?? 10_000;
    this.maxCatchUpMs = options.maxCatchUpMs ?? 24 * 60 * 60_000;
    this.maxEntryAttempts = options.maxEntryAttempts ?? 5;
    this.state = new SlackSyncStateRepository(db);
    this.channels = new SlackChannelRepository(db);
    this.messages = new SlackMessageRepository(db);
    this.calls = options.registry
      ? new Counter({
          name: 'vigil_slack_calls_total',
          help: 'Slack Web API calls by method and outcome: ok, rate_limited, unavailable, platform (Slack refused)',
          labelNames: ['method', 'outcome'],
          registers: [options.registry],
        })
      : null;
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the Slack call in flight (bounded by the timeout) and gives the lease up. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.state.release(this.owner).catch(() => undefined);
  }

  async status(): Promise<SlackSyncStatus> {
    const status = await readSlackSyncStatus(this.db, true);
    return { ...status, pausedUntil: this.pausedUntilMs !== null && this.pausedUntilMs > Date.now() ? new Date(this.pausedUntilMs).toISOString() : null };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let more = false;
      try {
        const cursor = await this.state.acquire(this.owner, this.leaseMs);
        if (cursor !== null) {
          this.leaseRenewedAtMs = Date.now();
          this.batchIncidents.clear();
          const entries = await this.state.entriesAfter(cursor, this.batchSize);
          const ready = this.contiguous(cursor, entries);
          for (const entry of ready) {
            if (!this.running) break;
            await this.handleWithLimit(entry);
            if (!(await this.state.advance(this.owner, entry.id, this.leaseMs))) throw new LeaseLost();
            this.leaseRenewedAtMs = Date.now();
          }
          more = ready.length === this.batchSize;
        }
        failures = 0;
      } catch (error) {
        if (error instanceof Stopped || !this.running) break;
        failures += 1;
        await this.recordFailure(error, failures);
        await this.sleep(this.backoffMs(failures));
        continue;
      }
      if (!more) await this.sleep(this.pollIntervalMs);
    }
  }

  /**
   * The entries that directly follow the cursor. Ids come from a sequence, so a hole means an
   * insert not yet committed (passing it would lose that entry) or one rolled back (a hole
   * forever): wait `gapGraceMs` for it to fill, then pass it.
   */
  private contiguous(cursor: string, entries: StoredTimelineEntry[]): StoredTimelineEntry[] {
    const ready: StoredTimelineEntry[] = [];
    let expected = BigInt(cursor) + 1n;
    for (const entry of entries) {
      const id = BigInt(entry.id);
      if (id !== expected) {
        const after = (expected - 1n).toString();
        if (this.gap?.after !== after) this.gap = { after, seenAtMs: Date.now() };
        if (Date.now() - this.gap.seenAtMs < this.gapGraceMs) break;
        this.options.logger?.debug({ from: after, to: entry.id }, 'passing a hole in the timeline ids (a rolled-back insert)');
      }
      ready.push(entry);
      expected = id + 1n;
    }
    return ready;
  }

  private async handleWithLimit(entry: StoredTimelineEntry): Promise<void> {
    try {
      await this.handle(entry);
      this.entryFailures = null;
    } catch (error) {
      const entrySpecific = (error instanceof SlackCallError && error.kind === 'platform' && ENTRY_ERRORS.has(error.slackError ?? '')) || error instanceof DeskRefusal;
      if (!entrySpecific) throw error;
      const count = this.entryFailures?.id === entry.id ? this.entryFailures.count + 1 : 1;
      this.entryFailures = { id: entry.id, count };
      if (count < this.maxEntryAttempts) throw error;
      this.entryFailures = null;
      const message = `gave up on timeline entry ${entry.id} (${entry.type} of ${entry.incidentId}) after ${count} attempts: ${(error as Error).message}`;
      this.options.logger?.error({ timelineId: entry.id, incidentId: entry.incidentId }, message);
      await this.state.recordError(message).catch(() => undefined);
    }
  }

  private async handle(entry: StoredTimelineEntry): Promise<void> {
    const incident = await this.incidentFor(entry.incidentId);
    if (!incident) return;
    let channel = await this.channels.byIncident(incident.id);
    if (channel?.closedAtMs) return;
    if (!channel?.channelId) {
      if (!this.wantsChannel(incident)) return;
      channel = await this.openChannel(incident, channel);
    }
    const opened = channel;
    try {
      channel = await this.setUpChannel(incident, channel);
      channel = await this.showCard(incident, channel, entry);
      if (!FROM_SLACK.has(entry.type) && entry.data['source'] !== 'slack_message' && channel.threadTs) {
        await this.postOnce(`entry:${entry.id}`, incident.id, channel, { ...timelineMessage(entry), thread_ts: channel.threadTs });
      }
      if (entry.type === 'resolved' && incident.status === 'resolved') await this.uploadPostmortem(entry, incident, channel);
    } catch (error) {
      // People archive incident channels once it is over: later changes (a postmortem edit) are not sent there.
      if (!(error instanceof SlackCallError && error.kind === 'platform' && CHANNEL_GONE.has(error.slackError ?? ''))) throw error;
      this.options.logger?.info({ incidentId: incident.id, channel: opened.channelName, reason: error.slackError }, 'the incident channel was archived or deleted in Slack; no more updates go there');
      await this.channels.save({ ...((await this.channels.byIncident(incident.id)) ?? opened), closedAtMs: Date.now() });
    }
  }

  private incidentFor(incidentId: string): Promise<DeskIncident | null> {
    let read = this.batchIncidents.get(incidentId);
    if (!read) {
      read = this.options.incident(incidentId);
      // A failed read is not kept: the retry reads again.
      read.catch(() => this.batchIncidents.delete(incidentId));
      this.batchIncidents.set(incidentId, read);
    }
    return read;
  }

  /** At or above the minimum severity; not an incident that was over long before we saw it. */
  private wantsChannel(incident: DeskIncident): boolean {
    if ((SEVERITY_RANK[incident.severity] ?? 99) > SEVERITY_RANK[this.options.minSeverity]) return false;
    const resolvedAtMs = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
    return !(incident.status === 'resolved' && resolvedAtMs !== null && Date.now() - resolvedAtMs > this.maxCatchUpMs);
  }

  private async openChannel(incident: DeskIncident, existing: SlackIncidentChannel | null): Promise<SlackIncidentChannel> {
    for (let attempt = 1; ; attempt += 1) {
      const name = channelNameFor(incident.number, incident.title, attempt);
      try {
        const result = await this.call('conversations.create', { name, is_private: false });
        const channel = result['channel'] as { id: string; name?: string };
        this.options.logger?.info({ incidentId: incident.id, channel: channel.name ?? name }, 'opened the incident channel in Slack');
        return this.channels.save({
          incidentId: incident.id,
          channelId: channel.id,
          channelName: channel.name ?? name,
          cardTs: null,
          threadTs: null,
          invitedAtMs: null,
          topic: null,
          ...(existing ? { createdAtMs: existing.createdAtMs } : {}),
        });
      } catch (error) {
        if (error instanceof SlackCallError && error.slackError === 'name_taken' && attempt < 100) continue;
        throw error;
      }
    }
  }

  private async setUpChannel(incident: DeskIncident, channel: SlackIncidentChannel): Promise<SlackIncidentChannel> {
    const channelId = channel.channelId as string;
    let current = channel;
    if (current.invitedAtMs === null) {
      if (this.options.responders.length > 0) await this.invite(channelId, this.options.responders);
      current = await this.channels.save({ ...current, invitedAtMs: Date.now() });
    }
    const topic = channelTopicFor(incident);
    if (current.topic !== topic) {
      await this.call('conversations.setTopic', { channel: channelId, topic });
      current = await this.channels.save({ ...current, topic });
    }
    return current;
  }

  /** All at once; when Slack refuses the batch for one user (already there…), one by one. */
  private async invite(channelId: string, users: readonly string[]): Promise<void> {
    const harmless = new Set(['already_in_channel', 'cant_invite_self']);
    try {
      await this.call('conversations.invite', { channel: channelId, users: users.join(',') });
      return;
    } catch (error) {
      if (!(error instanceof SlackCallError) || error.kind !== 'platform') throw error;
      if (users.length === 1 && harmless.has(error.slackError ?? '')) return;
      if (users.length === 1) throw error;
    }
    for (const user of users) {
      try {
        await this.call('conversations.invite', { channel: channelId, users: user });
      } catch (error) {
        if (error instanceof SlackCallError && error.kind === 'platform' && harmless.has(error.slackError ?? '')) continue;
        // A user who left the workspace must not hold every incident: say so, invite the others.
        if (error instanceof SlackCallError && error.kind === 'platform' && ['user_not_found', 'user_is_restricted', 'user_disabled', 'cant_invite'].includes(error.slackError ?? '')) {
          this.options.logger?.warn({ user, error: error.slackError }, 'could not invite a responder to the incident channel');
          continue;
        }
        throw error;
      }
    }
  }

  /** Posts the card once (its ts is the thread), then keeps it current with chat.update. */
  private async showCard(incident: DeskIncident, channel: SlackIncidentChannel, entry: StoredTimelineEntry): Promise<SlackIncidentChannel> {
    const card = incidentCard(incident);
    const shown = JSON.stringify(card);
    if (channel.cardTs) {
      const key = `${channel.channelId}:${channel.cardTs}`;
      if (this.shownCards.get(key) === shown) return channel;
      try {
        await this.call('chat.update', { channel: channel.channelId, ts: channel.cardTs, text: card.text, blocks: card.blocks });
        this.remember(key, shown);
        return channel;
      } catch (error) {
        // Someone deleted the card: post a new one (and thread there from now on).
        if (!(error instanceof SlackCallError && error.slackError === 'message_not_found')) throw error;
        this.options.logger?.warn({ incidentId: incident.id }, 'the incident card was deleted in Slack; posting a new one');
      }
    }
    const key = channel.cardTs ? `card:${incident.id}:${entry.id}` : `card:${incident.id}`;
    const ts = await this.postOnce(key, incident.id, channel, card);
    const saved = await this.channels.save({ ...channel, cardTs: ts, threadTs: ts });
    this.remember(`${saved.channelId}:${ts}`, shown);
    return saved;
  }

  private remember(cardKey: string, shown: string): void {
    this.shownCards.delete(cardKey);
    this.shownCards.set(cardKey, shown);
    // Open incidents are few; keep the most recently shown cards only.
    if (this.shownCards.size > 500) this.shownCards.delete(this.shownCards.keys().next().value as string);
  }

  /**
   * chat.postMessage, at most once per key: the key is recorded before the call and the ts after
   * it. A retry that finds the key without a ts does not know whether Slack got the message (the
   * answer may have been lost), so it looks for it first — every message carries its key in
   * `metadata` — and posts only if it is not there.
   */
  private async postOnce(key: string, incidentId: string, channel: SlackIncidentChannel, message: SlackMessage & { thread_ts?: string }): Promise<string> {
    const channelId = channel.channelId as string;
    const known = await this.messages.get(key);
    if (known?.done && known.ts) return known.ts;
    if (known) {
      const found = await this.findPosted(key, channelId, message.thread_ts ?? null);
      if (found) {
        await this.messages.complete(key, { ts: found });
        return found;
      }
    } else {
      await this.messages.begin(key, incidentId, channelId);
    }
    const result = await this.call('chat.postMessage', {
      channel: channelId,
      text: message.text,
      blocks: message.blocks,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
      // The key lets a retry find the message; the incident id lets a click on the card name its incident.
      metadata: { event_type: 'vigil_message', event_payload: { key, incidentId } },
      unfurl_links: false,
      unfurl_media: false,
    });
    const ts = String(result['ts']);
    await this.messages.complete(key, { ts });
    return ts;
  }

  /** A message this sync posted under `key`, in the thread or (no thread) the channel's recent history. */
  private async findPosted(key: string, channelId: string, threadTs: string | null): Promise<string | null> {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const result = await this.call(threadTs ? 'conversations.replies' : 'conversations.history', {
        channel: channelId,
        ...(threadTs ? { ts: threadTs } : {}),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const messages = (result['messages'] ?? []) as { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } }[];
      const hit = messages.find((m) => m.metadata?.event_type === 'vigil_message' && m.metadata.event_payload?.key === key);
      if (hit?.ts) return hit.ts;
      cursor = (result['response_metadata'] as { next_cursor?: string } | undefined)?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  private async uploadPostmortem(entry: StoredTimelineEntry, incident: DeskIncident, channel: SlackIncidentChannel): Promise<void> {
    const key = `postmortem:${entry.id}`;
    const known = await this.messages.get(key);
    if (known?.done) return;
    if (!known) await this.messages.begin(key, incident.id, channel.channelId as string);
    let markdown = this.drafts.get(key);
    if (markdown === undefined) {
      markdown = redactText(await this.options.postmortem(incident.id));
      this.drafts.set(key, markdown);
    }
    const result = await this.call('files.uploadV2', {
      channel_id: channel.channelId,
      filename: `inc-${incident.number}-postmortem.md`,
      title: redactText(`Postmortem draft: #${incident.number} ${incident.title}`).slice(0, 250),
      content: markdown,
      snippet_type: 'markdown',
      initial_comment: `Resolved. Here is the postmortem draft; edit it in Vigil: ${incident.dashboardUrl}`,
    });
    const files = (result['files'] ?? []) as { files?: { id?: string }[] }[];
    await this.messages.complete(key, { ts: null, fileId: files[0]?.files?.[0]?.id ?? null });
    this.drafts.delete(key);
  }

  /**
   * One Slack call. A 429 pauses everything (this is the only queue) for its Retry-After and makes
   * the same call again, as often as Slack asks; other failures go up to the loop's backoff.
   */
  private async call(method: string, args: Record<string, unknown>): Promise<SlackResult> {
    for (;;) {
      if (!this.running) throw new Stopped();
      await this.renewLease();
      try {
        const result = await this.api.call(method, args);
        this.calls?.inc({ method, outcome: 'ok' });
        return result;
      } catch (error) {
        const failure = error instanceof SlackCallError ? error : new SlackCallError(method, 'unavailable', (error as Error).message);
        this.calls?.inc({ method, outcome: failure.kind });
        if (failure.kind !== 'rate_limited') throw failure;
        const waitMs = Math.max(failure.retryAfterMs ?? 1000, 0);
        this.pausedUntilMs = Date.now() + waitMs;
        this.options.logger?.info({ method, retryAfterMs: waitMs }, 'Slack rate limit: pausing the Slack queue');
        await this.sleep(waitMs);
        this.pausedUntilMs = null;
      }
    }
  }

  /** Before a call when a third of the lease has passed: a long pause must not let another process take over mid-entry. */
  private async renewLease(): Promise<void> {
    if (Date.now() - this.leaseRenewedAtMs < this.leaseMs / 3) return;
    if ((await this.state.acquire(this.owner, this.leaseMs)) === null) throw new LeaseLost();
    this.leaseRenewedAtMs = Date.now();
  }

  private async recordFailure(error: unknown, failures: number): Promise<void> {
    if (error instanceof LeaseLost) {
      this.options.logger?.info('another process holds the Slack sync lease now');
      return;
    }
    const message = error instanceof SlackCallError ? error.message : `${(error as Error)?.message ?? String(error)}`;
    // A SlackCallError's message is all there is to say (and holds no token); anything else keeps its stack.
    this.options.logger?.warn(error instanceof SlackCallError ? { failures, kind: error.kind } : { failures, err: error }, `Slack sync failed, will retry: ${message}`);
    await this.state.recordError(message).catch(() => undefined);
  }

  /** Exponential with full jitter, never below a tenth of the base (so a storm of failures cannot spin). */
  private backoffMs(failures: number): number {
    const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** Math.max(0, failures - 1));
    const random = this.options.random ?? Math.random;
    return Math.max(Math.floor(this.backoff.baseMs / 10), Math.floor(random() * ceiling));
  }

  /** Waits `ms`, or less when stop() is called. */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
