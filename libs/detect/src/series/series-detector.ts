import { COMPONENTS, FLATLINE_VIEW, GAP_VIEW, LEVEL_SHIFT_VIEW, SEASONAL_VIEW, SPIKE_VIEW, SURPRISE_LIMIT, VARIANCE_VIEW, VIEW_CORRECTION, evidenceScore } from './alert-evidence';
import { binResolution, dayBin, profileGain, roundBin } from './daily-profile';
import { DEFAULT_SERIES_DETECTOR_OPTIONS, type SeriesDetectorOptions } from './detector-options';
import { SERIES_STATE_VERSION, STATE_FIELDS, decodeState, type SeriesDetectorState } from './detector-state';
import { robustError } from './robust-update';
import type { SeriesPoint, SeriesScore } from './series-types';
import { TAIL_GAUGE_SIZE, initTailGauge, observeTail, tailSurprise } from './tail-gauge';

const DAY_MS = 86_400_000;
/** Values are clamped here so that differences and squares stay finite (1e300 - -1e300 overflows). */
const VALUE_LIMIT = 1e150;
/** Robust clipping of errors fed into levels and scales, in units of the current scale. */
const LEVEL_CLIP = 4;
const SCALE_CLIP = 6;
/** Errors are clipped here before they accumulate in the short window, so one spike cannot pose as a shift. */
const SHORT_CLIP = 4;
/** Mean clipped error (in scale units) over the short window beyond which a deviation is called a level shift. */
const SHIFT_SHAPE = 1.5;
const Z_LIMIT = 1e12;
/** Mean absolute error to standard deviation for normal errors (sqrt(pi / 2)). */
const MAE_TO_SD = 1.2533;
/** Points before any view is judged: scales and clocks need a few values to mean anything. */
const WARMUP = 10;
/** ...and the tail gauges, which start learning after the warm-up, need a few more before they judge. */
const JUDGE_FROM = 30;
/** The seasonal forecaster competes only once it has seen two days, and must beat the level one clearly. */
const SEASONAL_WARMUP_MS = 2 * DAY_MS;
const SEASONAL_ADVANTAGE = 0.8;
/** A gap's unit of rarity: an interval e times the series' usual one (see observeTail's minExcess). */
const GAP_UNIT = 1;
const MIN_REPEAT_RATE = 1e-3;
const MAX_REPEAT_RATE = 0.9999;
const COUNT_RATE = 0.01;
/**
 * The profile's rounding follows the series' magnitude: every point while the series is young (its
 * magnitude may still be near zero, which would leave the bins unrounded), then every 1024 points (a mask).
 */
const RESOLUTION_EVERY = 1023;

// where each number lives in a detector's memory: the fields, then the tail gauges, then the profile
/** A gauge's gain: 1/count while it is young (counted from the warm-up), then the long-run rate. */
function calibrationGain(rate: number, n: number): number {
  const seen = n - WARMUP + 1;
  return rate > 1 / seen ? rate : 1 / seen;
}

/**
 * Scale-free numbers (rates, errors in units of their scale, -log10 probabilities, log intervals) are
 * kept to 1e-8: ample for statistics learnt with gains of 1e-4 and more, and it halves their
 * characters in a state. Numbers in the series' own units (levels, scales, value gauges) are not.
 */
const SCALE_FREE_RESOLUTION = 1e8;
function roundScaleFree(m: number[], from: number, to: number): void {
  for (let i = from; i < to; i++) m[i] = Math.round((m[i] as number) * SCALE_FREE_RESOLUTION) / SCALE_FREE_RESOLUTION;
}

function field(name: (typeof STATE_FIELDS)[number]): number {
  return STATE_FIELDS.indexOf(name);
}
const N = field('n');
const LAST_T = field('lastT');
const CADENCE = field('cadence');
const MISSING_RUN = field('missingRun');
const LAST_V = field('lastV');
const RUN = field('run');
const LONGEST_RUN = field('longestRun');
const REPEAT_RATE = field('repeatRate');
const LEVEL = field('level');
const LEVEL_SCALE = field('levelScale');
const SEASONAL_LEVEL = field('seasonalLevel');
const SEASONAL_SCALE = field('seasonalScale');
const SHORT_SIGNED = field('shortSigned');
const SHORT_ABS = field('shortAbs');
const EVIDENCE = field('evidence');
const EVIDENCE_COMPONENT = field('evidenceComponent');
const QUIET_LEFT = field('quietLeft');
const BIN_RESOLUTION = field('binResolution');
const LONG_SIGNED = field('longSigned');
const TAILS = STATE_FIELDS.length;
const SPIKE = TAILS;
const SHIFT = TAILS + TAIL_GAUGE_SIZE;
const VARIANCE = TAILS + 2 * TAIL_GAUGE_SIZE;
const HIGH = TAILS + 3 * TAIL_GAUGE_SIZE;
const LOW = TAILS + 4 * TAIL_GAUGE_SIZE;
const GAP = TAILS + 5 * TAIL_GAUGE_SIZE;
const LONG_SHIFT = TAILS + 6 * TAIL_GAUGE_SIZE;
const EVIDENCE_TAIL = TAILS + 7 * TAIL_GAUGE_SIZE;
const GAUGES = 8;
const PROFILE = TAILS + GAUGES * TAIL_GAUGE_SIZE;

/**
 * A streaming anomaly detector for one metric series. Feed points in arrival order; each update
 * scores the point from the past only (causal), then learns from it. Deterministic: the same points
 * give the same scores, and `state()` restored into a new detector continues identically.
 *
 * Two forecasters (a robust EWMA level, and a daily profile on a slow level) compete on recent
 * error; the better one's error, in units of its typical error, feeds six views — spike,
 * out-of-range value, level shift (at two time scales), variance, flat-line and gap — each
 * calibrated into a tail probability against its own history (see tail-gauge.ts). The most
 * surprised view, corrected for looking six times, accumulates over the last few points into
 * evidence, which is itself judged against the series' own history of evidence (the more cautious
 * of the two counts); the score maps evidence to [0, 1) with 0.5 at the alert level, and after an
 * alert the series stays quiet for a while.
 */
export class SeriesDetector {
  private readonly options: SeriesDetectorOptions;
  /** Every number the detector remembers, in one block: fields, then tail gauges, then the profile. */
  private readonly memory: number[];

  constructor(options?: Partial<SeriesDetectorOptions>, state?: SeriesDetectorState) {
    this.options = { ...DEFAULT_SERIES_DETECTOR_OPTIONS, ...options };
    // a plain array of doubles (filled with one first, so V8 stores them unboxed) sits on the heap
    // beside the detector: one pointer less to chase than a typed array
    this.memory = new Array<number>(PROFILE + this.options.profileBins).fill(0.5).fill(0);
    if (state) {
      const stored = decodeState(state, this.options.profileBins, GAUGES * TAIL_GAUGE_SIZE);
      for (let i = 0; i < stored.length; i++) this.memory[i] = stored[i] as number;
    } else {
      for (let g = 0; g < GAUGES; g++) initTailGauge(this.memory, TAILS + g * TAIL_GAUGE_SIZE);
    }
  }

  /** The detector's whole memory as plain JSON; `new SeriesDetector(options, state)` continues from it. */
  state(): SeriesDetectorState {
    const m = this.memory;
    return { version: SERIES_STATE_VERSION, fields: m.slice(0, TAILS), tails: m.slice(TAILS, PROFILE), profile: m.slice(PROFILE) };
  }

  update(point: SeriesPoint): SeriesScore {
    const m = this.memory;
    const pt = point.t;
    const t = pt === pt && pt !== Infinity && pt !== -Infinity ? pt : m[LAST_T];
    const raw = point.v;
    if (raw !== raw || raw === Infinity || raw === -Infinity) return this.missing(t);
    const v = raw > VALUE_LIMIT ? VALUE_LIMIT : raw < -VALUE_LIMIT ? -VALUE_LIMIT : raw;
    if (m[N] === 0) return this.first(t, v);
    const o = this.options;
    const w = o.viewWeights;
    const n = ++m[N];
    const young = n < WARMUP;

    // ---- event clock: cadence and gaps from timestamps; a repeated or earlier time does not move it
    let gapSurprise = 0;
    const dt = t - m[LAST_T];
    if (dt > 0) {
      const cadence = m[CADENCE];
      if (cadence > 0) {
        // intervals in log units of the usual one, judged against this series' own history of intervals
        if (!young) gapSurprise = observeTail(m, GAP, Math.log(dt / cadence), calibrationGain(o.calibrationRate, n), GAP_UNIT);
        const bounded = dt < 0.5 * cadence ? 0.5 * cadence : dt > 2 * cadence ? 2 * cadence : dt;
        m[CADENCE] = cadence + (young ? 0.5 : 0.05) * (bounded - cadence);
      } else {
        m[CADENCE] = dt;
      }
      m[LAST_T] = t;
    }
    m[MISSING_RUN] = 0;

    // ---- forecasts from the past
    const bin = dayBin(t, o.profileBins);
    const season = m[PROFILE + bin] as number;
    const levelError = v - m[LEVEL];
    const seasonalError = v - m[SEASONAL_LEVEL] - season;
    const seasonal = n * m[CADENCE] >= SEASONAL_WARMUP_MS && m[SEASONAL_SCALE] < SEASONAL_ADVANTAGE * m[LEVEL_SCALE];
    const expected = seasonal ? m[SEASONAL_LEVEL] + season : m[LEVEL];
    const error = seasonal ? seasonalError : levelError;
    const rawScale = seasonal ? m[SEASONAL_SCALE] : m[LEVEL_SCALE];
    const floor = 1e-9 * Math.abs(expected) + 1e-300;
    const scale = rawScale > floor ? rawScale : floor;
    let z = Math.abs(error) / scale;
    if (z > Z_LIMIT) z = Z_LIMIT;

    // ---- views, each a statistic judged against its own long-run distribution
    const bounded = error < 0 ? (z > SHORT_CLIP ? -SHORT_CLIP : -z) : z > SHORT_CLIP ? SHORT_CLIP : z;
    m[SHORT_SIGNED] += o.shortRate * (bounded - m[SHORT_SIGNED]);
    m[SHORT_ABS] += o.shortRate * (1 - Math.exp(-z) - m[SHORT_ABS]);
    const shiftX = Math.abs(m[SHORT_SIGNED]);
    // a deviation is named by its shape: one-sided recent errors make a level shift, otherwise a spike
    let component = shiftX >= SHIFT_SHAPE ? LEVEL_SHIFT_VIEW : SPIKE_VIEW;
    let surprise = 0;
    if (!young) {
      // judged from the past, then learnt
      const c = calibrationGain(o.calibrationRate, n);
      const r = calibrationGain(o.rangeRate, n);
      surprise = w.spike * observeTail(m, SPIKE, z, c);
      const high = observeTail(m, HIGH, v, r);
      const low = observeTail(m, LOW, -v, r);
      const range = w.range * (high > low ? high : low);
      if (range > surprise) surprise = range;
      const shift = w.level_shift * observeTail(m, SHIFT, shiftX, c);
      if (shift > surprise) {
        surprise = shift;
        component = LEVEL_SHIFT_VIEW;
      }
      const variance = w.variance * observeTail(m, VARIANCE, m[SHORT_ABS] as number, c);
      if (variance > surprise) {
        surprise = variance;
        component = VARIANCE_VIEW;
      }
      // the same shift statistic over a longer window (~1 / longRate points): a slow, persistent
      // drift that the short window forgets before it is sure. Its values overlap far more, so it
      // is discounted harder, and it is counted with the short one as a single look (one statistic)
      m[LONG_SIGNED] += o.longRate * (bounded - m[LONG_SIGNED]);
      const longShift = w.long_shift * observeTail(m, LONG_SHIFT, Math.abs(m[LONG_SIGNED] as number), c);
      if (longShift > surprise) {
        surprise = longShift;
        component = LEVEL_SHIFT_VIEW;
      }
    }
    const flat = w.flatline * this.flatSurprise(v, n);
    if (flat > surprise) {
      surprise = flat;
      component = FLATLINE_VIEW;
    }
    gapSurprise *= w.gap;
    if (gapSurprise > surprise) {
      surprise = gapSurprise;
      component = GAP_VIEW;
    }
    if (seasonal && (component === SPIKE_VIEW || component === LEVEL_SHIFT_VIEW) && Math.abs(levelError) < 3 * m[LEVEL_SCALE]) component = SEASONAL_VIEW;
    if (n < JUDGE_FROM) surprise = 0;

    // ---- learn from the point
    const e = o.errorRate > 1 / n ? o.errorRate : 1 / n;
    const levelLimit = young ? 0 : LEVEL_CLIP * m[LEVEL_SCALE];
    m[LEVEL] += o.levelRate * robustError(levelError, levelLimit);
    m[LEVEL_SCALE] += e * (Math.abs(robustError(levelError, young ? 0 : SCALE_CLIP * m[LEVEL_SCALE])) - m[LEVEL_SCALE]);
    const cadence = m[CADENCE] > 0 ? m[CADENCE] : DAY_MS;
    let levelGain = cadence / (o.seasonalLevelDays * DAY_MS);
    levelGain = levelGain < 1e-4 ? 1e-4 : levelGain > 0.5 ? 0.5 : levelGain;
    const seasonalLimit = young ? 0 : LEVEL_CLIP * m[SEASONAL_SCALE];
    m[SEASONAL_LEVEL] += levelGain * robustError(v - season - m[SEASONAL_LEVEL], seasonalLimit);
    if ((n & RESOLUTION_EVERY) === 0 || n <= RESOLUTION_EVERY) m[BIN_RESOLUTION] = binResolution(Math.abs(m[SEASONAL_LEVEL]) + m[SEASONAL_SCALE]);
    m[PROFILE + bin] = roundBin(season + profileGain(cadence, o.profileBins, o.profileMemoryDays) * robustError(v - season - m[SEASONAL_LEVEL], seasonalLimit), m[BIN_RESOLUTION]);
    m[SEASONAL_SCALE] += e * (Math.abs(robustError(seasonalError, young ? 0 : SCALE_CLIP * m[SEASONAL_SCALE])) - m[SEASONAL_SCALE]);

    return this.conclude(t, surprise, component, expected, o.bandSigmas * MAE_TO_SD * scale);
  }

  /** Folds a point's surprise into the evidence, raises or holds an alert, and explains the score. */
  private conclude(t: number, pointSurprise: number, component: number, expected: number, band: number): SeriesScore {
    const m = this.memory;
    const o = this.options;
    const bounded = pointSurprise > SURPRISE_LIMIT ? SURPRISE_LIMIT : pointSurprise;
    const previous = m[EVIDENCE];
    m[EVIDENCE] = previous + o.evidenceRate * (bounded - previous);
    // the evidence is named after the latest point that still carries a good part of it
    if (bounded >= 0.5 * previous || m[EVIDENCE_COMPONENT] === 0) m[EVIDENCE_COMPONENT] = component;
    let surprise = m[EVIDENCE] - VIEW_CORRECTION;
    if (!(surprise > 0)) surprise = 0;
    // second-level calibration, as HTM's anomaly likelihood does with its averaged scores: how rare
    // is this much evidence in this series' own history? A series whose evidence often runs high
    // (bursty counts) learns that; a quiet one keeps the first-level figure. The smaller one counts.
    if (m[N] >= WARMUP) {
      const own = observeTail(m, EVIDENCE_TAIL, m[EVIDENCE] as number, calibrationGain(o.calibrationRate, m[N] as number));
      if (own < surprise) surprise = own;
    }
    roundScaleFree(m, REPEAT_RATE, REPEAT_RATE + 1);
    roundScaleFree(m, SHORT_SIGNED, EVIDENCE + 1);
    roundScaleFree(m, LONG_SIGNED, LONG_SIGNED + 1);
    roundScaleFree(m, SPIKE, HIGH);
    roundScaleFree(m, GAP, PROFILE);
    const named = surprise > 0 ? (COMPONENTS[m[EVIDENCE_COMPONENT]] ?? 'none') : 'none';
    const repeat = m[QUIET_LEFT] > 0;
    const alerting = surprise >= o.alertSurprise;
    const score = repeat ? 0 : evidenceScore(surprise, o.alertSurprise);
    // the quiet period does not stretch while evidence stays high: a long incident may re-alert
    if (repeat) m[QUIET_LEFT]--;
    else if (alerting) m[QUIET_LEFT] = o.quietPoints;
    return { t, score, explanation: { expected, lower: expected - band, upper: expected + band, component: named, surprise, repeat: repeat && surprise > 0 } };
  }

  /** A run of identical values longer than any seen before, weighed by how rare repeats are here. */
  private flatSurprise(v: number, n: number): number {
    const m = this.memory;
    const same = v === m[LAST_V];
    let surprise = 0;
    if (same) {
      m[RUN]++;
      // a series that has never changed gives no baseline to call a run unusual
      if (m[RUN] > m[LONGEST_RUN] && m[RUN] >= 3 && m[RUN] < n - 1) {
        const q = m[REPEAT_RATE] < MIN_REPEAT_RATE ? MIN_REPEAT_RATE : m[REPEAT_RATE] > MAX_REPEAT_RATE ? MAX_REPEAT_RATE : m[REPEAT_RATE];
        surprise = (m[RUN] - m[LONGEST_RUN]) * -Math.log10(q);
      }
    } else {
      if (m[RUN] > m[LONGEST_RUN]) m[LONGEST_RUN] = m[RUN];
      m[RUN] = 0;
    }
    m[REPEAT_RATE] += (n < WARMUP ? 1 / n : COUNT_RATE) * ((same ? 1 : 0) - m[REPEAT_RATE]);
    m[LAST_V] = v;
    return surprise;
  }

  private first(t: number, v: number): SeriesScore {
    const m = this.memory;
    m[N] = 1;
    m[LAST_T] = t;
    m[LAST_V] = v;
    m[LEVEL] = v;
    m[SEASONAL_LEVEL] = v;
    return { t, score: 0, explanation: { expected: v, lower: v, upper: v, component: 'none', surprise: 0, repeat: false } };
  }

  /** A point without a usable value: the series is silent here, which only the gap view can judge. */
  private missing(t: number): SeriesScore {
    const m = this.memory;
    m[MISSING_RUN]++;
    const surprise = m[N] >= JUDGE_FROM ? this.options.viewWeights.gap * tailSurprise(m, GAP, Math.log(1 + m[MISSING_RUN]), GAP_UNIT) : 0;
    const band = this.options.bandSigmas * MAE_TO_SD * m[LEVEL_SCALE];
    return this.conclude(t, surprise, GAP_VIEW, m[LEVEL], band);
  }
}
