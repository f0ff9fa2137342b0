/**
 * Tuning of a SeriesDetector. One configuration serves every series: each series adapts its own
 * level, scales and tail calibration, so the defaults need no per-metric tuning.
 */
export interface SeriesDetectorOptions {
  /** Per-point EWMA gain of the level forecaster. */
  levelRate: number;
  /** Per-point gain of each forecaster's mean absolute error, the unit errors are measured in. */
  errorRate: number;
  /** Per-point gain of the short window of recent errors (level shifts, variance changes). */
  shortRate: number;
  /** Per-point gain of the long window of recent errors (slow, persistent level shifts). */
  longRate: number;
  /** Per-point gain of the long memory that turns each view's statistic into a tail probability. */
  calibrationRate: number;
  /** Per-point gain of the long memory of the values themselves (how extreme a level is). */
  rangeRate: number;
  /** Bins of the daily profile (24 = hourly). */
  profileBins: number;
  /** Days over which the daily profile averages. */
  profileMemoryDays: number;
  /** Days over which the deseasonalised level averages. */
  seasonalLevelDays: number;
  /**
   * How much of each view's surprise counts (`range`: the value against the series' long-run range).
   * Smoothed views (shift, variance) see overlapping windows, so their tails are estimated from fewer
   * independent values than points and are discounted (`long_shift`, the level shift over the long
   * window, the most).
   */
  viewWeights: Readonly<{ spike: number; range: number; level_shift: number; long_shift: number; variance: number; flatline: number; gap: number }>;
  /** Per-point gain of the evidence that accumulates surprise over the last few points. */
  evidenceRate: number;
  /** Evidence (-log10 p) at which an alert is raised; it maps to score 0.5. */
  alertSurprise: number;
  /** After an alert, the next this-many points are held at score 0 (one incident, one alert). */
  quietPoints: number;
  /** Half-width of the explanation band, in standard deviations of the forecast error. */
  bandSigmas: number;
}

export const DEFAULT_SERIES_DETECTOR_OPTIONS: Readonly<SeriesDetectorOptions> = Object.freeze({
  levelRate: 0.1,
  errorRate: 0.002,
  shortRate: 0.15,
  longRate: 0.02,
  calibrationRate: 0.003,
  rangeRate: 0.0005,
  profileBins: 24,
  profileMemoryDays: 3,
  seasonalLevelDays: 1,
  viewWeights: Object.freeze({ spike: 1, range: 1, level_shift: 0.6, long_shift: 0.3, variance: 0.3, flatline: 1, gap: 1 }),
  evidenceRate: 0.35,
  alertSurprise: 0.82,
  quietPoints: 30,
  bandSigmas: 3,
});

/**
 * The alert threshold on `score`: the one the NAB scorer picks for its standard profile with the
 * default options (0.532501 measured; see test/bench/detect/RESULTS.md). Scores reach 0.5 where an
 * alert is raised inside the detector; the scorer finds the best cut a little above.
 */
export const DEFAULT_ALERT_THRESHOLD = 0.5325;
