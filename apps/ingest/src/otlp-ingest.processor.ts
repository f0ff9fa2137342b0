import type { BatchContext, BusMessage, MessageBus } from '@vigil/bus';
import { IngestOffsetRepository, type Database, type PartitionRef } from '@vigil/store';
import type { IngestMetrics } from './ingest.metrics';
import type { DecodedMessage, SignalPipeline, TopicProcessor } from './signal-pipeline';

export interface ProcessorOptions {
  /** Separates bus instances whose offsets are unrelated (see ingest_offsets). */
  namespace: string;
  consumerGroup: string;
  signalsTopic: string | null;
}

/**
 * One batch from one partition → durable effects, exactly once:
 * 1. decode everything first (a poison message throws its non-retriable error, and the bus
 *    dead-letters just that one);
 * 2. publish the keyed signals (at least once; detectors drop repeats by source offset),
 *    overlapping with step 3;
 * 3. in one transaction: lock this partition's applied offset, aggregate only the messages past
 *    it, upsert rollups and evidence, wait for the signals to be on the bus, advance the offset.
 *    A redelivered batch changes nothing.
 * 4. tell the pipeline how the transaction ended (`settled`), for state it keeps across batches.
 */
export class OtlpIngestProcessor<R, A> implements TopicProcessor {
  constructor(
    private readonly pipeline: SignalPipeline<R, A>,
    private readonly db: Database,
    private readonly bus: MessageBus,
    private readonly metrics: IngestMetrics,
    private readonly options: ProcessorOptions,
  ) {}

  get signal(): SignalPipeline<R, A>['signal'] {
    return this.pipeline.signal;
  }

  async handle(batch: readonly BusMessage[], context: BatchContext): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const timer = this.metrics.batchSeconds.startTimer({ signal: this.pipeline.signal });
    const ref: PartitionRef = { namespace: this.options.namespace, topic: first.topic, partition: first.partition };
    const decoded: DecodedMessage<R>[] = batch.map((message) => ({ message, records: this.pipeline.decode(message.value) }));

    // The signals go out while the transaction runs; the offset is advanced only once they are
    // on the bus, so a failed publish rolls the batch back and it is retried (at least once).
    // A redelivered batch publishes its signals again; detectors drop them by source offset,
    // which is cheaper than a round trip to the database before every batch to skip them here.
    let publishing: Promise<void> | null = null;
    if (this.options.signalsTopic) {
      const signals = decoded.flatMap((d) => this.pipeline.toSignals(d));
      publishing = this.bus.publish(
        this.options.signalsTopic,
        signals.map((s) => ({ key: s.service, value: JSON.stringify(s), headers: { 'vigil-signal': s.kind } })),
      );
      // Observed below; this only keeps an early transaction failure from leaving it unhandled.
      publishing.catch(() => undefined);
    }

    const last = batch[batch.length - 1] as BusMessage;
    // The attempt's aggregate, and whether only COMMIT was left: the pipeline is told the outcome.
    const attempt: { aggregate?: A; committing: boolean } = { committing: false };
    let result: { todo: DecodedMessage<R>[]; written: Record<string, number> };
    try {
      result = await this.db.transaction(async (tx) => {
        const offsets = new IngestOffsetRepository(tx);
        const next = await offsets.lock(ref, this.options.consumerGroup);
        const todo = decoded.filter((d) => BigInt(d.message.offset) >= next);
        if (todo.length === 0) return { todo, written: {} };
        const aggregate = (attempt.aggregate = this.pipeline.newAggregate());
        for (const d of todo) this.pipeline.add(aggregate, d);
        const written = await this.pipeline.write(tx, aggregate);
        await publishing;
        await offsets.advance(ref, BigInt(last.offset) + 1n, this.options.consumerGroup);
        attempt.committing = true;
        return { todo, written };
      });
    } catch (error) {
      if (attempt.aggregate !== undefined) this.pipeline.settled?.(attempt.aggregate, attempt.committing ? 'unknown' : 'rolled_back');
      throw error;
    }
    if (attempt.aggregate !== undefined) this.pipeline.settled?.(attempt.aggregate, 'committed');
    await publishing;

    const signal = this.pipeline.signal;
    this.metrics.messages.inc({ signal, outcome: 'stored' }, result.todo.length);
    if (batch.length > result.todo.length) this.metrics.messages.inc({ signal, outcome: 'duplicate' }, batch.length - result.todo.length);
    this.metrics.records.inc({ signal }, result.todo.reduce((n, d) => n + d.records.length, 0));
    for (const [table, rows] of Object.entries(result.written)) this.metrics.rows.inc({ table }, rows);
    this.metrics.lag.set({ topic: first.topic, partition: String(first.partition) }, Math.max(0, Number(BigInt(context.highWatermark) - BigInt(last.offset) - 1n)));
    timer();
  }
}
