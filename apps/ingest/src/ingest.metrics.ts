import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What an operator watches on an ingest worker: throughput, lag, dead letters, write time. */
export class IngestMetrics {
  readonly records: Counter<'signal'>;
  readonly messages: Counter<'signal' | 'outcome'>;
  readonly rows: Counter<'table'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly batchSeconds: Histogram<'signal'>;

  constructor(registry: Registry) {
    this.records = new Counter({ name: 'vigil_ingest_records_total', help: 'Records ingested (log records, data points, spans)', labelNames: ['signal'], registers: [registry] });
    this.messages = new Counter({
      name: 'vigil_ingest_messages_total',
      help: 'Kafka messages by outcome: stored, duplicate (already applied), dead_lettered',
      labelNames: ['signal', 'outcome'],
      registers: [registry],
    });
    this.rows = new Counter({ name: 'vigil_ingest_rows_written_total', help: 'Rows upserted per table', labelNames: ['table'], registers: [registry] });
    this.lag = new Gauge({ name: 'vigil_consumer_lag', help: 'Messages behind the partition end', labelNames: ['topic', 'partition'], registers: [registry] });
    this.batchSeconds = new Histogram({
      name: 'vigil_ingest_batch_seconds',
      help: 'Time to make one batch durable',
      labelNames: ['signal'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }
}
