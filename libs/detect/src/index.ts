// @vigil/detect — the pure detection cores (see README.md). What apps and the CLI use:

// Log templates: one online miner per service, and the header format of `vigil parse-logs`.
export {
  TemplateMiner,
  DEFAULT_TEMPLATE_MINER_OPTIONS,
  MINE_OUTCOMES,
  OVERFLOW_TEMPLATE,
  type TemplateMinerOptions,
  type TemplateMatch,
  type MinedTemplate,
  type MineOutcome,
  type MineStats,
  type TemplateMinerSnapshot,
} from './templates/template-miner';
export { LogHeaderFormat, type HeaderMatch } from './templates/log-header-format';
export { tokenizeMessage, type MessageTokens } from './templates/message-tokens';

// Streaming metric detector: one per series, a calibrated likelihood with an explanation.
export { SeriesDetector } from './series/series-detector';
export type { SeriesPoint, SeriesScore, AnomalyExplanation, AnomalyComponent } from './series/series-types';
export { DEFAULT_SERIES_DETECTOR_OPTIONS, DEFAULT_ALERT_THRESHOLD, type SeriesDetectorOptions } from './series/detector-options';
export type { SeriesDetectorState } from './series/detector-state';

// Log watch: a service's mined lines → log anomalies (new template, burst, rate shift, error surge).
export { ServiceLogWatch, type MinedLogLine, type ServiceLogWatchState } from './log-watch/service-log-watch';
export { DEFAULT_LOG_WATCH_OPTIONS, type LogWatchOptions } from './log-watch/log-watch-options';

// Series watch: a service's metric points and spans → per-minute series → detector episodes.
export { ServiceSeriesWatch, type ServiceSeriesWatchState } from './series-watch/service-series-watch';
export { DEFAULT_SERIES_WATCH_OPTIONS, type SeriesWatchOptions } from './series-watch/series-watch-options';
