export { finishedRun, launchRun, runIdFor } from './launch-run';
export type { LaunchOptions, RunEventSink } from './launch-run';
