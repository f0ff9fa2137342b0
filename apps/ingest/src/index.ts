export { startIngest } from './ingest';
export type { IngestWorker } from './ingest';
export { LogIngestService } from './log-ingest.service';
export type { LogIngestResult } from './log-ingest.service';
