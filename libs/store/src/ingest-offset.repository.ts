import type { Queryable } from './database';

export interface PartitionRef {
  /** Separates bus instances whose offsets are unrelated (each in-process bus starts at 0). */
  namespace: string;
  topic: string;
  partition: number;
}

/**
 * The next source offset whose effects are not yet stored, read and advanced inside the same
 * transaction as those effects. Must be used within a transaction: the row lock serializes two
 * workers that briefly both hold a partition during a rebalance.
 */
export class IngestOffsetRepository {
  constructor(private readonly tx: Queryable) {}

  async lock(ref: PartitionRef, consumerGroup: string): Promise<bigint> {
    await this.tx.query(
      `INSERT INTO ingest_offsets (namespace, topic, partition, next_offset, consumer_group)
       VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING`,
      [ref.namespace, ref.topic, ref.partition, consumerGroup],
    );
    const { rows } = await this.tx.query<{ next_offset: string }>(
      'SELECT next_offset::text AS next_offset FROM ingest_offsets WHERE namespace = $1 AND topic = $2 AND partition = $3 FOR UPDATE',
      [ref.namespace, ref.topic, ref.partition],
    );
    return BigInt(rows[0]?.next_offset ?? '0');
  }

  async advance(ref: PartitionRef, nextOffset: bigint, consumerGroup: string): Promise<void> {
    await this.tx.query(
      `UPDATE ingest_offsets SET next_offset = $4, consumer_group = $5, updated_at = now()
       WHERE namespace = $1 AND topic = $2 AND partition = $3 AND next_offset < $4`,
      [ref.namespace, ref.topic, ref.partition, nextOffset.toString(), consumerGroup],
    );
  }
}
