import type { SignalBatch } from '@vigil/contracts';
import type { BatchContext, BusMessage } from '@vigil/bus';
import type { Queryable } from '@vigil/store';

export type OtlpSignalKind = 'logs' | 'metrics' | 'traces';

export interface DecodedMessage<R> {
  message: BusMessage;
  records: R[];
}

/** What differs between logs, metrics and traces; the processor does the rest. */
export interface SignalPipeline<R, A> {
  readonly signal: OtlpSignalKind;
  decode(value: Buffer): R[];
  /** Compact, service-keyed hand-off to detection. */
  toSignals(decoded: DecodedMessage<R>): SignalBatch[];
  newAggregate(): A;
  add(aggregate: A, decoded: DecodedMessage<R>): void;
  /** Writes the aggregate inside the offsets transaction; returns rows written per table. */
  write(tx: Queryable, aggregate: A): Promise<Record<string, number>>;
  /**
   * How the transaction that wrote the aggregate ended, for a pipeline that keeps state across
   * batches (the traces pipeline's span call linker) and must apply or give back what it staged.
   */
  settled?(aggregate: A, outcome: TransactionOutcome): void;
}

/**
 * `rolled_back`: the batch will be redone. `unknown`: COMMIT itself failed, so it may or may not
 * have applied (a redelivery then finds out from the offsets, but the pipeline cannot).
 */
export type TransactionOutcome = 'committed' | 'rolled_back' | 'unknown';

/** What the worker needs of a processor, whatever its pipeline's record types. */
export interface TopicProcessor {
  readonly signal: OtlpSignalKind;
  handle(batch: readonly BusMessage[], context: BatchContext): Promise<void>;
}

export const sourceOf = (m: BusMessage) => ({ topic: m.topic, partition: m.partition, offset: m.offset });

/** Groups records by service, keeping order: one signal batch per service per source message. */
export function byService<R extends { service: string }>(records: readonly R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const r of records) {
    const group = groups.get(r.service);
    if (group) group.push(r);
    else groups.set(r.service, [r]);
  }
  return groups;
}
