import { startIngest } from '@vigil/ingest';
import { workerCommand } from './worker.command';

/** The ingest worker alone: otlp_* topics → rollups, evidence and vigil.signals. */
export const ingestCommand = workerCommand('ingest', 'run only the ingest workers', startIngest);
