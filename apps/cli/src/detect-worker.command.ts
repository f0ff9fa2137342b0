import { startDetect } from '@vigil/detect-worker';
import { workerCommand } from './worker.command';

/** The detect worker alone: vigil.signals → templates, log anomalies → vigil.anomalies. */
export const detectWorkerCommand = workerCommand('detect', 'run only the detect worker: template mining and log anomalies from vigil.signals', startDetect);
