/**
 * Per-minute count baseline for one stream of events (a template's lines, a service's errors):
 * exponentially weighted mean and variance, three numbers, so thousands fit in a checkpoint.
 */
export interface CountBaselineState {
  /** Minutes observed (capped; only "enough history?" matters). */
  n: number;
  mean: number;
  variance: number;
}

export const newCountBaseline = (): CountBaselineState => ({ n: 0, mean: 0, variance: 0 });

/** Roughly a 1-hour memory at one update per minute. */
const ALPHA = 1 / 60;
const WARM_ALPHA_MINUTES = 60;

/**
 * A minute that fired is learnt only up to the edge of the band (winsorized), so a sustained
 * anomaly is not absorbed into the baseline within a few minutes and a spike does not inflate
 * the variance that later minutes are judged by.
 */
export function bandEdge(state: CountBaselineState, count: number): number {
  const sd = Math.sqrt(Math.max(state.variance, state.mean));
  return Math.min(Math.max(count, state.mean - 3 * sd, 0), state.mean + 3 * sd + 1);
}

export function updateCountBaseline(state: CountBaselineState, count: number): void {
  // Plain averaging while young, so the first minutes are not over-weighted by the EWMA's start.
  const alpha = state.n < WARM_ALPHA_MINUTES ? 1 / (state.n + 1) : ALPHA;
  const delta = count - state.mean;
  state.mean += alpha * delta;
  state.variance = (1 - alpha) * (state.variance + alpha * delta * delta);
  state.n = Math.min(state.n + 1, 1_000_000);
}

const LN10 = Math.log(10);

/**
 * How surprising `count` is above the baseline, as -log10 of a tail probability: the larger of a
 * Poisson Chernoff bound and a normal tail with the observed variance. Logs are bursty
 * (over-dispersed), so the variance term keeps a noisy template from paging on its usual bursts.
 */
export function surpriseAbove(state: CountBaselineState, count: number): number {
  const mean = Math.max(state.mean, 0.05);
  if (count <= mean) return 0;
  const poisson = (count - mean - count * Math.log(count / mean)) / LN10; // log10 of the bound (≤ 0)
  if (state.variance <= mean) return -poisson;
  return -Math.max(poisson, log10NormalTail((count - mean) / Math.sqrt(state.variance)));
}

/** Surprise below the baseline (a drop): a Poisson lower-tail Chernoff bound and a normal tail. */
export function surpriseBelow(state: CountBaselineState, count: number): number {
  const mean = state.mean;
  if (count >= mean || mean <= 0) return 0;
  const poisson = count === 0 ? -mean / LN10 : (count - mean - count * Math.log(count / mean)) / LN10;
  if (state.variance <= mean) return -poisson;
  return -Math.max(poisson, log10NormalTail((mean - count) / Math.sqrt(state.variance)));
}

/** log10 of P(Z > z) for a standard normal, accurate enough in the far tail (Mills ratio). */
function log10NormalTail(z: number): number {
  if (z <= 0) return Math.log10(0.5);
  if (z < 3) return Math.log10(0.5 * erfc(z / Math.SQRT2));
  return (-(z * z) / 2 - Math.log(z * Math.sqrt(2 * Math.PI))) / LN10;
}

function erfc(x: number): number {
  // Numerical Recipes' erfc approximation (fractional error < 1.2e-7).
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851973 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return y;
}

/** Maps a surprise (-log10 p) onto the shared [0, 1] anomaly likelihood scale. */
export function likelihoodOf(surprise: number): number {
  if (!(surprise > 0)) return 0;
  // p = 1e-6 (the default firing point) maps to 0.9; p = 1e-12 to 0.99.
  return Math.min(1, 1 - Math.pow(10, -surprise / 6));
}
