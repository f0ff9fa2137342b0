import { DEFAULT_ALERT_THRESHOLD, DEFAULT_SERIES_DETECTOR_OPTIONS, type SeriesDetectorOptions } from '../series';

export interface SeriesWatchOptions {
  /** A late point is still bucketed if at most this many minutes behind the newest. */
  latenessMinutes: number;
  /** Points a series learns from before it may open an episode (as NAB's probationary period). */
  probationPoints: number;
  /** Score at which an episode opens (the detector's calibrated alert threshold). */
  threshold: number;
  /** An open episode stays active while the detector's evidence is at least this (-log10 p). */
  activeSurprise: number;
  /** Inactive minutes before an episode recovers… */
  recoverAfterMinutes: number;
  /** …and never sooner than this after it opened (no flapping). */
  minDurationMinutes: number;
  /** Requests a minute needs before its error ratio is judged. */
  minRequestsForRatio: number;
  /** Example spans / exemplars kept per finding. */
  examples: number;
  /**
   * Derived series one service may have. A label with unbounded values (a user id on a metric)
   * would otherwise grow memory and every checkpoint without end; series past the cap are not
   * watched, and counted.
   */
  maxSeries: number;
  detector: Partial<SeriesDetectorOptions>;
}

export const DEFAULT_SERIES_WATCH_OPTIONS: Readonly<SeriesWatchOptions> = Object.freeze({
  latenessMinutes: 1,
  probationPoints: 150,
  threshold: DEFAULT_ALERT_THRESHOLD,
  activeSurprise: DEFAULT_SERIES_DETECTOR_OPTIONS.alertSurprise,
  recoverAfterMinutes: 3,
  minDurationMinutes: 5,
  minRequestsForRatio: 10,
  examples: 3,
  maxSeries: 2000,
  detector: {},
});
