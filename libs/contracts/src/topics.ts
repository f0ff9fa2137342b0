/** Kafka topics written by the OpenTelemetry Collector's kafka exporter (defaults; configurable). */
export const OTLP_TOPICS = {
  logs: 'otlp_logs',
  metrics: 'otlp_metrics',
  spans: 'otlp_spans',
} as const;

/** Vigil's internal topics. */
export const VIGIL_TOPICS = {
  signals: 'vigil.signals',
  anomalies: 'vigil.anomalies',
  deadLetter: 'vigil.dlq',
} as const;

export const OTLP_ENCODINGS = ['otlp_proto', 'otlp_json'] as const;
export type OtlpEncoding = (typeof OTLP_ENCODINGS)[number];

/** Header names on dead-lettered messages, so an operator can see why and from where. */
export const DEAD_LETTER_HEADERS = {
  reason: 'vigil-dlq-reason',
  code: 'vigil-dlq-code',
  sourceTopic: 'vigil-dlq-source-topic',
  sourcePartition: 'vigil-dlq-source-partition',
  sourceOffset: 'vigil-dlq-source-offset',
  /** Set when the payload was cut to the dead-letter size limit: the original size in bytes. */
  truncatedFrom: 'vigil-dlq-truncated-from',
} as const;
