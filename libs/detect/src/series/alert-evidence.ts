import type { AnomalyComponent } from './series-types';

/** The views in the order their index is stored in a detector's state. */
export const COMPONENTS: readonly AnomalyComponent[] = ['none', 'spike', 'level_shift', 'variance', 'seasonal', 'flatline', 'gap'];
export const SPIKE_VIEW = 1;
export const LEVEL_SHIFT_VIEW = 2;
export const VARIANCE_VIEW = 3;
export const SEASONAL_VIEW = 4;
export const FLATLINE_VIEW = 5;
export const GAP_VIEW = 6;

/** Beyond p = 1e-40 the figures say nothing more; the cap also keeps evidence from lingering for ages. */
export const SURPRISE_LIMIT = 40;

/** Looking through six views and keeping the most surprised is corrected Bonferroni-style (log10 6). */
export const VIEW_CORRECTION = Math.log10(6);

/** Maps evidence (-log10 p) to a score in [0, 1): 0.5 exactly at the alert level, monotone, never NaN. */
export function evidenceScore(surprise: number, alertSurprise: number): number {
  return surprise > 0 ? surprise / (surprise + alertSurprise) : 0;
}
