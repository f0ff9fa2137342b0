/** One observation of a metric series. `t` is event time (ms since the Unix epoch), not arrival time. */
export interface SeriesPoint {
  t: number;
  v: number;
}

/** The view of the series that made a point unusual; `none` when nothing stood out. */
export type AnomalyComponent = 'spike' | 'level_shift' | 'variance' | 'seasonal' | 'flatline' | 'gap' | 'none';

/** Why a point scored what it did: what the detector expected, its normal band, and how unusual the point was. */
export interface AnomalyExplanation {
  /** The forecast for this point from the past alone. */
  expected: number;
  lower: number;
  upper: number;
  component: AnomalyComponent;
  /** -log10 of the tail probability of the recent evidence, corrected for looking through several views; 0 = ordinary. */
  surprise: number;
  /** True when an alert was already raised for this episode, so the score is held down to avoid a repeat. */
  repeat: boolean;
}

export interface SeriesScore {
  t: number;
  /** Anomaly likelihood in [0, 1), calibrated per series so one threshold serves every series. */
  score: number;
  explanation: AnomalyExplanation;
}
