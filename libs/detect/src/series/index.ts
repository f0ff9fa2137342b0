export * from './series-types';
export * from './detector-options';
export { SERIES_STATE_VERSION, type SeriesDetectorState } from './detector-state';
export { SeriesDetector } from './series-detector';
export { evidenceScore } from './alert-evidence';
