import type { BatchContext, BusMessage } from '@vigil/bus';
import { anomalyEventSchema, type AnomalyEvent } from '@vigil/contracts';
import { matcherSchema, ServiceDependencyGraph, type ServiceCall } from '@vigil/incidents';
import { IncidentRepository, IngestOffsetRepository, NoiseRuleRepository, SuppressedSignalRepository, webhookOutbox, type Database, type PartitionRef, type StoredIncident } from '@vigil/store';
import { eventKey, IncidentBook } from './incident-book';
import type { RunScheduler } from './runbooks/run-scheduler';
import type { ResponderMetrics } from './responder.metrics';
import { incidentBatchEvents } from './webhooks/incident-events';

export interface ResponderProcessorOptions {
  namespace: string;
  consumerGroup: string;
  /** Where the learnt topology comes from (trace-derived service calls). */
  topology: () => Promise<ServiceCall[]>;
  /** How long a learnt topology is used before it is read again. */
  topologyRefreshMs: number;
  /** Starts runbook runs for the batch's signals and incidents, inside its transaction. */
  scheduler?: RunScheduler;
  /** Called after each committed batch with the incidents it changed. */
  onIncidents?: (incidents: StoredIncident[]) => void;
  now?: () => number;
}

export class InvalidAnomalyEvent extends Error {
  readonly retriable = false;
  readonly code = 'invalid_anomaly';
}

/**
 * vigil.anomalies → incidents, exactly once and with a single writer. Each batch runs in one
 * transaction that first locks the shared responder state row: responders consuming different
 * partitions (or a responder and the API) take turns, and a responder whose copy is older than
 * the stored version reloads it. So two responders never both open an incident for one failure.
 */
export class ResponderProcessor {
  private topologyAt = -Infinity;
  private lastBatchAt = 0;

  constructor(
    private readonly db: Database,
    private readonly book: IncidentBook,
    private readonly metrics: ResponderMetrics,
    private readonly options: ResponderProcessorOptions,
  ) {}

  async handle(batch: readonly BusMessage[], _context: BatchContext): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const timer = this.metrics.batchSeconds.startTimer();
    this.lastBatchAt = (this.options.now ?? Date.now)();
    const parsed = batch.map((message) => ({ message, event: parseAnomaly(message) }));
    const ref: PartitionRef = { namespace: this.options.namespace, topic: first.topic, partition: first.partition };
    const last = batch[batch.length - 1] as BusMessage;
    const now = this.options.now ?? Date.now;
    await this.refreshTopology();
    try {
      const touched = await this.db.transaction(async (tx) => {
        const repo = new IncidentRepository(tx);
        const state = await repo.lockState();
        const offsets = new IngestOffsetRepository(tx);
        const next = await offsets.lock(ref, this.options.consumerGroup);
        const todo = parsed.filter((p) => BigInt(p.message.offset) >= next).map((p) => p.event);
        if (todo.length === 0) return [];
        if (state.version !== this.book.version) {
          await this.book.reload(tx, state);
          this.metrics.reloads.inc();
        }
        const fresh = await repo.firstSightings(todo.map(eventKey));
        const events = todo.filter((e) => fresh.has(eventKey(e)));
        this.metrics.events.inc({ outcome: 'duplicate' }, todo.length - events.length);
        const noise = new NoiseRuleRepository(tx);
        const atLeast = events.length > 0 ? Math.min(...events.map((e) => Number(BigInt(e.timeUnixNano) / 1_000_000n))) : 0;
        const rules =
          events.length > 0
            ? {
                silences: (await noise.silences({ activeAtMs: atLeast })).map((s) => ({ ...s, matchers: s.matchers.map((m) => matcherSchema.parse(m)) })),
                maintenance: await noise.maintenanceWindows({ activeAtMs: atLeast }),
              }
            : { silences: [], maintenance: [] };
        const outcome = await this.book.apply(tx, events, rules, now());
        await new SuppressedSignalRepository(tx).add(outcome.suppressed);
        const version = state.version + 1;
        await repo.saveState({ version, watermarkMs: this.book.watermarkMs, nextNumber: this.book.nextNumber });
        // Outbox: the webhooks announcing these changes commit with them, or not at all.
        await webhookOutbox.enqueue(tx, incidentBatchEvents(outcome.changes, outcome.touched, version, now()));
        if (this.options.scheduler) {
          // Runbooks triggered by what this batch saw start with it, exactly once.
          const suppressed = new Set(outcome.suppressed.map((x) => x.eventKey));
          const signals = events.filter((e) => !suppressed.has(eventKey(e))).map((event) => ({ event, incident: this.book.incidentOf(event.fingerprint) }));
          await this.options.scheduler.schedule(tx, { signals, incidents: outcome.touched });
        }
        await offsets.advance(ref, BigInt(last.offset) + 1n, this.options.consumerGroup);
        this.book.version = version;
        this.metrics.events.inc({ outcome: 'suppressed' }, outcome.suppressed.length);
        this.metrics.events.inc({ outcome: 'correlated' }, events.length - outcome.suppressed.length);
        for (const c of outcome.changes) this.metrics.changes.inc({ type: c.type });
        return outcome.touched;
      });
      this.metrics.openIncidents.set(this.book.openIncidents);
      if (touched.length > 0) this.options.onIncidents?.(touched);
    } catch (error) {
      // Half of this batch may be in the working copy: the next batch reloads it.
      this.book.version = -1;
      throw error;
    } finally {
      timer();
    }
  }

  /**
   * Idle watermark: when no anomaly event arrived for `idleMs` and the stream is live (its
   * event time within `liveWithinMs` of the clock), event time advances to the clock minus
   * `idleMs`, so recovered incidents resolve even if nothing else happens. A replay (event
   * time far behind the clock) is left alone: its incidents resolve by its own events.
   */
  async tick(options: { idleMs: number; liveWithinMs: number }): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastBatchAt < options.idleMs) return 0;
    try {
      return await this.db.transaction(async (tx) => {
        const repo = new IncidentRepository(tx);
        const state = await repo.lockState();
        if (state.watermarkMs === 0 || now - state.watermarkMs > options.liveWithinMs) return 0;
        if (state.version !== this.book.version) await this.book.reload(tx, state);
        const target = now - options.idleMs;
        if (target <= this.book.watermarkMs) return 0;
        const outcome = await this.book.advance(tx, target, now);
        const version = state.version + 1;
        await repo.saveState({ version, watermarkMs: this.book.watermarkMs, nextNumber: this.book.nextNumber });
        await webhookOutbox.enqueue(tx, incidentBatchEvents(outcome.changes, outcome.touched, version, now));
        this.book.version = version;
        return outcome.touched.length;
      });
    } catch (error) {
      // The working copy may hold half of the advance: reload it next time.
      this.book.version = -1;
      throw error;
    }
  }

  private async refreshTopology(): Promise<void> {
    const now = Date.now();
    if (now - this.topologyAt < this.options.topologyRefreshMs) return;
    this.book.useGraph(new ServiceDependencyGraph(await this.options.topology()));
    this.topologyAt = now;
  }
}

function parseAnomaly(message: BusMessage): AnomalyEvent {
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new InvalidAnomalyEvent(`anomaly event is not JSON: ${(error as Error).message}`);
  }
  const result = anomalyEventSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidAnomalyEvent(`invalid anomaly event at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`);
  }
  return result.data;
}
