export { startIngest } from './ingest';
export type { IngestWorker, IngestDependencies } from './ingest';
export { IngestMetrics } from './ingest.metrics';
export { OtlpIngestProcessor } from './otlp-ingest.processor';
export { LogsPipeline } from './logs.pipeline';
export { MetricsPipeline } from './metrics.pipeline';
export { TracesPipeline } from './traces.pipeline';
