export { ServiceSeriesWatch } from './service-series-watch';
export type { ServiceSeriesWatchState } from './service-series-watch';
export { DEFAULT_SERIES_WATCH_OPTIONS } from './series-watch-options';
export type { SeriesWatchOptions } from './series-watch-options';
export { bucketQuantile } from './bucket-quantile';
