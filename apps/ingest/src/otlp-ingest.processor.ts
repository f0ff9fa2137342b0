import type { BatchContext, BusMessage, MessageBus } from '@vigil/bus';
import { IngestOffsetRepository, type Database, type PartitionRef } from '@vigil/store';
import type { IngestMetrics } from './ingest.metrics';
import type { DecodedMessage, SignalPipeline } from './signal-pipeline';

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
 * 2. publish the keyed signals for messages not yet applied (at least once; detectors drop
 *    repeats by source offset);
 * 3. in one transaction: lock this partition's applied offset, aggregate only the messages past
 *    it, upsert rollups and evidence, advance the offset. A redelivered batch changes nothing.
 */
export class OtlpIngestProcessor<R, A> {
  constructor(
    private readonly pipeline: SignalPipeline<R, A>,
    private readonly db: Database,
    private readonly bus: MessageBus,
    private readonly metrics: IngestMetrics,
    private readonly options: ProcessorOptions,
  ) {}

  async handle(batch: readonly BusMessage[], context: BatchContext): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const timer = this.metrics.batchSeconds.startTimer({ signal: this.pipeline.signal });
    const ref: PartitionRef = { namespace: this.options.namespace, topic: first.topic, partition: first.partition };
    const decoded: DecodedMessage<R>[] = batch.map((message) => ({ message, records: this.pipeline.decode(message.value) }));

    const applied = await new IngestOffsetRepository(this.db).peek(ref);
    const fresh = decoded.filter((d) => BigInt(d.message.offset) >= applied);
    if (this.options.signalsTopic && fresh.length > 0) {
      const signals = fresh.flatMap((d) => this.pipeline.toSignals(d));
      await this.bus.publish(
        this.options.signalsTopic,
        signals.map((s) => ({ key: s.service, value: JSON.stringify(s), headers: { 'vigil-signal': s.kind } })),
      );
    }

    const last = batch[batch.length - 1] as BusMessage;
    const result = await this.db.transaction(async (tx) => {
      const offsets = new IngestOffsetRepository(tx);
      const next = await offsets.lock(ref, this.options.consumerGroup);
      const todo = decoded.filter((d) => BigInt(d.message.offset) >= next);
      if (todo.length === 0) return { todo, written: {} };
      const aggregate = this.pipeline.newAggregate();
      for (const d of todo) this.pipeline.add(aggregate, d);
      const written = await this.pipeline.write(tx, aggregate);
      await offsets.advance(ref, BigInt(last.offset) + 1n, this.options.consumerGroup);
      return { todo, written };
    });

    const signal = this.pipeline.signal;
    this.metrics.messages.inc({ signal, outcome: 'stored' }, result.todo.length);
    if (batch.length > result.todo.length) this.metrics.messages.inc({ signal, outcome: 'duplicate' }, batch.length - result.todo.length);
    this.metrics.records.inc({ signal }, result.todo.reduce((n, d) => n + d.records.length, 0));
    for (const [table, rows] of Object.entries(result.written)) this.metrics.rows.inc({ table }, rows);
    this.metrics.lag.set({ topic: first.topic, partition: String(first.partition) }, Math.max(0, Number(BigInt(context.highWatermark) - BigInt(last.offset) - 1n)));
    timer();
  }
}
