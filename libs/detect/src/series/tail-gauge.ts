/**
 * How rare is a value of a statistic, learnt from the statistic's own past: a streaming
 * peaks-over-threshold estimate with an exponential tail (extreme value theory, as in SPOT,
 * Siffer et al. 2017). The threshold sits two standard deviations above the running mean; beyond
 * it P(X > x) = rate * exp(-(x - threshold) / excess), `rate` being the running share of values
 * over the threshold and `excess` their mean overshoot. A heavy-tailed statistic learns a long
 * excess and stays calm; a thin-tailed one makes a far value very rare. That is what makes scores
 * comparable across series: each is a tail probability under its own series' history.
 *
 * Four numbers per gauge, kept at `offset` in the detector's memory block so its state stays compact.
 */
export const TAIL_GAUGE_SIZE = 4;
const MEAN = 0;
const VARIANCE = 1;
const RATE = 2;
const EXCESS = 3;
const THRESHOLD_SDS = 2;
const MIN_RATE = 1e-3;
const INITIAL_RATE = 0.05;
/** Values beyond mean + 8 sd are learnt as that, so one outlier cannot move the threshold for long. */
const LEARN_CAP_SDS = 8;

export function initTailGauge(gauges: number[], offset: number): void {
  gauges[offset + MEAN] = 0;
  gauges[offset + VARIANCE] = 0;
  gauges[offset + RATE] = INITIAL_RATE;
  gauges[offset + EXCESS] = 0;
}

/** -log10 P(X >= x) under the gauge's tail model, 0 at or below its threshold; learns nothing. */
export function tailSurprise(gauges: number[], offset: number, x: number, minExcess = 0): number {
  const mean = gauges[offset + MEAN] as number;
  const sd = Math.sqrt(gauges[offset + VARIANCE] as number);
  const threshold = mean + THRESHOLD_SDS * sd;
  return x > threshold ? beyond(x - threshold, gauges[offset + RATE] as number, gauges[offset + EXCESS] as number, sd, mean, minExcess) : 0;
}

function beyond(over: number, rate: number, learnt: number, sd: number, mean: number, minExcess: number): number {
  let floor = 0.5 * sd > 1e-6 * (Math.abs(mean) + 1e-6) ? 0.5 * sd : 1e-6 * (Math.abs(mean) + 1e-6);
  if (minExcess > floor) floor = minExcess;
  const excess = learnt > floor ? learnt : floor;
  return -Math.log10(rate > MIN_RATE ? rate : MIN_RATE) + (Math.LOG10E * over) / excess;
}

/**
 * -log10 P(X >= x) under the gauge's tail model (0 at or below its threshold), judged from the
 * past; then learns `x` with `gain` (1/count while young, then the long-run calibration rate).
 * `minExcess` is the least overshoot that counts as one e-fold of rarity, for statistics with a
 * natural unit (a gap measured in log intervals).
 */
export function observeTail(gauges: number[], offset: number, x: number, gain: number, minExcess = 0): number {
  const mean = gauges[offset + MEAN] as number;
  const variance = gauges[offset + VARIANCE] as number;
  const sd = Math.sqrt(variance);
  const threshold = mean + THRESHOLD_SDS * sd;
  const rate = gauges[offset + RATE] as number;
  let surprise = 0;
  if (x > threshold) {
    const learnt = gauges[offset + EXCESS] as number;
    surprise = beyond(x - threshold, rate, learnt, sd, mean, minExcess);
    const excessGain = gain / INITIAL_RATE < 0.5 ? gain / INITIAL_RATE : 0.5;
    gauges[offset + EXCESS] = learnt + excessGain * (x - threshold - learnt);
    gauges[offset + RATE] = rate + gain * (1 - rate);
  } else {
    gauges[offset + RATE] = rate - gain * rate;
  }
  const spread = sd > 0.1 * Math.abs(mean) ? (sd > 1e-3 ? sd : 1e-3) : 0.1 * Math.abs(mean) > 1e-3 ? 0.1 * Math.abs(mean) : 1e-3;
  const cap = mean + LEARN_CAP_SDS * spread;
  const deviation = (x > cap ? cap : x) - mean;
  gauges[offset + MEAN] = mean + gain * deviation;
  gauges[offset + VARIANCE] = (1 - gain) * (variance + gain * deviation * deviation);
  return surprise;
}
