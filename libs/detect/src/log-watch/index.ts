export { ServiceLogWatch } from './service-log-watch';
export type { MinedLogLine, ServiceLogWatchState } from './service-log-watch';
export { DEFAULT_LOG_WATCH_OPTIONS } from './log-watch-options';
export type { LogWatchOptions } from './log-watch-options';
export { likelihoodOf, newCountBaseline, surpriseAbove, surpriseBelow, updateCountBaseline } from './count-baseline';
export type { CountBaselineState } from './count-baseline';
