import type { BatchContext, BusMessage, MessageBus } from '@vigil/bus';
import { signalBatchSchema, type AnomalyEvent, type SignalBatch } from '@vigil/contracts';
import type { LogWatchOptions, SeriesWatchOptions } from '@vigil/detect';
import { AnomalyRepository, DetectorCheckpointRepository, IngestOffsetRepository, LogTemplateRepository, type Database, type PartitionRef } from '@vigil/store';
import type { DetectMetrics } from './detect.metrics';
import { LogBatch } from './log-batch';
import { ServiceLogState, type ServiceLogCheckpoint } from './service-log-state';
import { ServiceSeriesState, type ServiceSeriesCheckpoint } from './service-series-state';
import { ServiceStates } from './service-states';
import type { SourceOffsets } from './source-offsets';

export interface DetectOptions {
  /** Separates bus instances whose offsets are unrelated (see ingest_offsets). */
  namespace: string;
  consumerGroup: string;
  anomaliesTopic: string;
  logs: Partial<LogWatchOptions>;
  series: Partial<SeriesWatchOptions>;
}

class InvalidSignal extends Error {
  readonly retriable = false;
  readonly code = 'invalid_signal';
}

/**
 * vigil.signals → anomalies, exactly once. Logs go to the service's template miner and log
 * watch; metric points and spans to its series watch (one streaming detector per derived
 * series). In one transaction per batch it locks the partition's applied offset, processes only
 * messages past it, upserts templates, template counts and anomalies, checkpoints every touched
 * service's state, and advances the offset. Anomaly events are published before the commit (at
 * least once; their ids are deterministic, so consumers drop repeats).
 *
 * State is cached between batches and trusted only while this worker was the last to advance
 * the partition; otherwise (a rebalance moved it, or a batch failed midway) the partition's
 * services are reloaded from their checkpoints.
 */
export class DetectProcessor {
  private readonly logs: ServiceStates<ServiceLogState, ServiceLogCheckpoint>;
  private readonly series: ServiceStates<ServiceSeriesState, ServiceSeriesCheckpoint>;
  private readonly cursor = new Map<number, bigint>();

  constructor(
    private readonly db: Database,
    private readonly bus: MessageBus,
    private readonly metrics: DetectMetrics,
    private readonly options: DetectOptions,
  ) {
    this.logs = new ServiceStates(options.namespace, 'logs', (s) => ServiceLogState.fresh(s, options.logs), (s, c) => ServiceLogState.restore(s, c, options.logs));
    this.series = new ServiceStates(options.namespace, 'series', (s) => ServiceSeriesState.fresh(s, options.series), (s, c) => ServiceSeriesState.restore(s, c, options.series));
  }

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
        const seriesFindings: AnomalyEvent[] = [];
        const checkpoints = new Map<string, { checkpoint(): unknown }>();
        // A signal whose source message this service already applied is a republished repeat.
        const isRepeat = (state: { sources: SourceOffsets }, signal: SignalBatch): boolean => {
          const seen = state.sources.seen(signal.source);
          this.metrics.signals.inc({ kind: signal.kind, outcome: seen ? 'duplicate' : 'applied' });
          if (!seen) state.sources.mark(signal.source);
          return seen;
        };
        for (const { signal } of todo) {
          if (signal.kind === 'logs') {
            // Logs: the service's template miner and log watch.
            const state = await this.logs.get(tx, signal.service, ref.partition);
            if (isRepeat(state, signal)) continue;
            work.apply(state, signal.items);
            checkpoints.set(this.logs.owner(signal.service), state);
          } else {
            // Metric points and spans: the service's series watch.
            const state = await this.series.get(tx, signal.service, ref.partition);
            if (isRepeat(state, signal)) continue;
            if (signal.kind === 'metrics') for (const item of signal.items) seriesFindings.push(...state.watch.observeMetric(item.seriesKey, item.point));
            else for (const item of signal.items) seriesFindings.push(...state.watch.observeSpan(item));
            checkpoints.set(this.series.owner(signal.service), state);
          }
        }
        const anomalies = [...work.anomalies, ...seriesFindings];
        if (anomalies.length > 0) {
          await this.bus.publish(
            this.options.anomaliesTopic,
            anomalies.map((a) => ({ key: a.service, value: JSON.stringify(a), headers: { 'vigil-anomaly': a.kind } })),
          );
        }
        const templates = new LogTemplateRepository(tx);
        await templates.touch(work.templateTouches());
        await templates.addCounts(work.templateCounts());
        await new AnomalyRepository(tx).apply(anomalies);
        const states = new Map<string, unknown>();
        for (const [owner, state] of checkpoints) states.set(owner, state.checkpoint());
        const bytes = await new DetectorCheckpointRepository(tx).save(this.options.namespace, states);
        await offsets.advance(ref, BigInt(last.offset) + 1n, this.options.consumerGroup);
        for (const [outcome, n] of Object.entries(work.outcomes)) this.metrics.lines.inc({ outcome }, n);
        this.metrics.checkpointBytes.inc(bytes);
        return anomalies;
      });
      this.cursor.set(ref.partition, BigInt(last.offset) + 1n);
      for (const event of published) this.metrics.anomalies.inc({ kind: event.kind, status: event.status });
    } catch (error) {
      // The in-memory states may hold half of this batch: reload them from the checkpoints.
      this.forget(ref.partition);
      throw error;
    } finally {
      timer();
    }
  }

  private forget(partition: number): void {
    this.logs.forget(partition);
    this.series.forget(partition);
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
