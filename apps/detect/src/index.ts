export { startDetect } from './detect';
export type { DetectWorker, DetectDependencies } from './detect';
export { DetectMetrics } from './detect.metrics';
export { LogIntelligenceProcessor } from './log-intelligence.processor';
export { LogBatch, bodyText } from './log-batch';
export { ServiceLogState } from './service-log-state';
export type { ServiceLogCheckpoint } from './service-log-state';
