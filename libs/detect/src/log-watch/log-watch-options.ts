import { DEFAULT_ALERT_THRESHOLD } from '../series';

export interface LogWatchOptions {
  /** A service's templates are "new" only after this much event time of its logs (learning). */
  warmupMinutes: number;
  /** …and at least this many lines. */
  warmupLines: number;
  /** A late line is still bucketed if at most this many minutes behind the newest. */
  latenessMinutes: number;
  /** Firing point for rate findings, as -log10 p. */
  minSurprise: number;
  /** A template is "rare" while its baseline is below this many lines per minute. */
  rareBelowPerMinute: number;
  /** …and it "bursts" when one minute holds at least this many of its lines. */
  burstMinLines: number;
  /**
   * A template averaging at least this many lines per minute is dense enough to be a series:
   * from then on the metric detector (SeriesDetector) watches its per-minute count for jumps
   * and drops (rare templates are judged by the burst test instead).
   */
  denseFromPerMinute: number;
  /** Minutes a template's detector learns before it may report a rate shift. */
  rateProbationMinutes: number;
  /** Detector score at which a rate shift opens (the detectors' calibrated alert threshold). */
  rateThreshold: number;
  /** Error surges need at least this many error lines in a minute. */
  surgeMinErrors: number;
  /** Minutes without the condition before an open finding recovers (no flapping). */
  recoverAfterMinutes: number;
  /** Example lines kept per finding. */
  examples: number;
}

export const DEFAULT_LOG_WATCH_OPTIONS: Readonly<LogWatchOptions> = Object.freeze({
  warmupMinutes: 10,
  warmupLines: 200,
  latenessMinutes: 1,
  minSurprise: 6,
  rareBelowPerMinute: 0.2,
  burstMinLines: 5,
  denseFromPerMinute: 1,
  rateProbationMinutes: 120,
  rateThreshold: DEFAULT_ALERT_THRESHOLD,
  surgeMinErrors: 10,
  recoverAfterMinutes: 3,
  examples: 3,
});
