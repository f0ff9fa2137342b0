import type { BatchContext, BusMessage, MessageBus } from '@vigil/bus';
import { signalBatchSchema, type AnomalyEvent, type SignalBatch } from '@vigil/contracts';
import type { LogWatchOptions } from '@vigil/detect';
import { AnomalyRepository, DetectorCheckpointRepository, IngestOffsetRepository, LogTemplateRepository, type Database, type PartitionRef, type Queryable } from '@vigil/store';
import type { DetectMetrics } from './detect.metrics';
import { LogBatch } from './log-batch';
import { ServiceLogState, type ServiceLogCheckpoint } from './service-log-state';

export interface LogIntelligenceOptions {
  /** Separates bus instances whose offsets are unrelated (see ingest_offsets). */
  namespace: string;
  consumerGroup: string;
  anomaliesTopic: string;
  watch: Partial<LogWatchOptions>;
}

class InvalidSignal extends Error {
  readonly retriable = false;
  readonly code = 'invalid_signal';
}

const ownerOf = (service: string): string => `logs:${service}`;

/**
 * vigil.signals (logs) → per-service template mining and log anomalies, exactly once:
 * in one transaction it locks the partition's applied offset, mines and judges only messages
 * past it, upserts templates, counts and anomalies, checkpoints every touched service's miner and
 * watch, and advances the offset. Anomaly events are published before the commit (at least once;
 * their ids are deterministic, so a consumer drops repeats).
 *
 * State is cached between batches. The cache is trusted only while this worker was the last to
 * advance the partition; otherwise (a rebalance moved it, or a batch failed midway) the services
 * of that partition are reloaded from their checkpoints.
 */
export class LogIntelligenceProcessor {
  private readonly states = new Map<string, ServiceLogState>();
  private readonly servicesByPartition = new Map<number, Set<string>>();
  private readonly cursor = new Map<number, bigint>();

  constructor(
    private readonly db: Database,
    private readonly bus: MessageBus,
    private readonly metrics: DetectMetrics,
    private readonly options: LogIntelligenceOptions,
  ) {}

  async handle(batch: readonly BusMessage[], _context: BatchContext): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const timer = this.metrics.batchSeconds.startTimer();
    const parsed = batch.map((message) => ({ message, signal: parseSignal(message) }));
    const ref: PartitionRef = { namespace: this.options.namespace, topic: first.topic, partition: first.partition };
    const last = batch[batch.length - 1] as BusMessage;
    try {
      const published = await this.db.transaction(async (tx) => {
        const offsets = new IngestOffsetRepository(tx);
        const next = await offsets.lock(ref, this.options.consumerGroup);
        if (this.cursor.get(ref.partition) !== next) this.forget(ref.partition);
        const todo = parsed.filter((p) => BigInt(p.message.offset) >= next);
        if (todo.length === 0) return [];
        const work = new LogBatch();
        const touched = new Map<string, ServiceLogState>();
        for (const { signal } of todo) {
          if (signal.kind !== 'logs') {
            this.metrics.signals.inc({ kind: signal.kind, outcome: 'skipped' });
            continue;
          }
          const state = await this.stateOf(tx, signal.service, ref.partition);
          if (state.seen(signal.source.topic, signal.source.partition, signal.source.offset)) {
            this.metrics.signals.inc({ kind: 'logs', outcome: 'duplicate' });
            continue;
          }
          work.apply(state, signal.items);
          state.markApplied(signal.source.topic, signal.source.partition, signal.source.offset);
          touched.set(signal.service, state);
          this.metrics.signals.inc({ kind: 'logs', outcome: 'applied' });
        }
        if (work.anomalies.length > 0) {
          await this.bus.publish(
            this.options.anomaliesTopic,
            work.anomalies.map((a) => ({ key: a.service, value: JSON.stringify(a), headers: { 'vigil-anomaly': a.kind } })),
          );
        }
        const templates = new LogTemplateRepository(tx);
        await templates.touch(work.templateTouches());
        await templates.addCounts(work.templateCounts());
        await new AnomalyRepository(tx).apply(work.anomalies);
        const checkpoints = new Map<string, unknown>();
        for (const [service, state] of touched) checkpoints.set(ownerOf(service), state.checkpoint());
        await new DetectorCheckpointRepository(tx).save(this.options.namespace, checkpoints);
        await offsets.advance(ref, BigInt(last.offset) + 1n, this.options.consumerGroup);
        for (const [outcome, n] of Object.entries(work.outcomes)) this.metrics.lines.inc({ outcome }, n);
        for (const [service, state] of touched) this.metrics.templates.set({ service }, state.miner.templates().filter((t) => t.mergedInto === undefined).length);
        return work.anomalies;
      });
      this.cursor.set(ref.partition, BigInt(last.offset) + 1n);
      countAnomalies(this.metrics, published);
    } catch (error) {
      // The in-memory states may hold half of this batch: reload them from the checkpoints.
      this.forget(ref.partition);
      throw error;
    } finally {
      timer();
    }
  }

  private async stateOf(tx: Queryable, service: string, partition: number): Promise<ServiceLogState> {
    let state = this.states.get(service);
    if (!state) {
      const checkpoint = await new DetectorCheckpointRepository(tx).load<ServiceLogCheckpoint>(this.options.namespace, ownerOf(service));
      state = checkpoint ? ServiceLogState.restore(service, checkpoint, this.options.watch) : ServiceLogState.fresh(service, this.options.watch);
      this.states.set(service, state);
    }
    let services = this.servicesByPartition.get(partition);
    if (!services) this.servicesByPartition.set(partition, (services = new Set()));
    services.add(service);
    return state;
  }

  private forget(partition: number): void {
    for (const service of this.servicesByPartition.get(partition) ?? []) this.states.delete(service);
    this.servicesByPartition.delete(partition);
    this.cursor.delete(partition);
  }
}

function parseSignal(message: BusMessage): SignalBatch {
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new InvalidSignal(`signal is not JSON: ${(error as Error).message}`);
  }
  const result = signalBatchSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidSignal(`invalid signal at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`);
  }
  return result.data;
}

function countAnomalies(metrics: DetectMetrics, events: readonly AnomalyEvent[]): void {
  for (const event of events) metrics.anomalies.inc({ kind: event.kind, status: event.status });
}
