import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What an operator watches on a detect worker. */
export class DetectMetrics {
  readonly lines: Counter<'outcome'>;
  readonly signals: Counter<'kind' | 'outcome'>;
  readonly anomalies: Counter<'kind' | 'status'>;
  readonly templates: Gauge<'service'>;
  readonly batchSeconds: Histogram;
  readonly checkpointBytes: Counter;

  constructor(registry: Registry) {
    this.lines = new Counter({
      name: 'vigil_detect_log_lines_total',
      help: 'Log lines mined, by outcome: mined, empty, truncated, binary, invalid-utf8, overflow (past the template cap), late (older than the lateness allowance)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.signals = new Counter({
      name: 'vigil_detect_signal_batches_total',
      help: 'Signal batches by kind and outcome: applied, duplicate (source already applied)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    this.anomalies = new Counter({ name: 'vigil_detect_anomalies_total', help: 'Anomaly events published', labelNames: ['kind', 'status'], registers: [registry] });
    this.templates = new Gauge({ name: 'vigil_detect_log_templates', help: 'Live log templates per service', labelNames: ['service'], registers: [registry] });
    this.batchSeconds = new Histogram({
      name: 'vigil_detect_batch_seconds',
      help: 'Time to mine, judge and checkpoint one batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.checkpointBytes = new Counter({ name: 'vigil_detect_checkpoint_bytes_total', help: 'Bytes of detector state checkpointed', registers: [registry] });
  }
}
