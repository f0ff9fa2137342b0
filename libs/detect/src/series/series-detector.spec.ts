import { DEFAULT_ALERT_THRESHOLD, SeriesDetector, type SeriesPoint, type SeriesScore } from './index';

const T0 = Date.UTC(2024, 0, 1);
const STEP = 300_000;

/** mulberry32: a tiny seeded generator, so every run of these specs sees the same series. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function noisy(seed: number, count: number, mean = 100, sd = 2, from = 0): SeriesPoint[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => ({ t: T0 + (from + i) * STEP, v: mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) }));
}

function run(detector: SeriesDetector, points: SeriesPoint[]): SeriesScore[] {
  return points.map((p) => detector.update(p));
}

function expectWellFormed(scores: SeriesScore[]): void {
  const bad = scores.filter((s) => {
    const { expected, lower, upper, surprise } = s.explanation;
    const finite = [s.score, expected, lower, upper, surprise].every(Number.isFinite);
    return !finite || s.score < 0 || s.score > 1 || lower > upper;
  });
  expect(bad).toEqual([]);
}

describe('SeriesDetector', () => {
  it('keeps a steady noisy series below the alert threshold', () => {
    for (const seed of [1, 2, 5]) {
      const scores = run(new SeriesDetector(), noisy(seed, 6000)).slice(500);
      expectWellFormed(scores);
      expect(Math.max(...scores.map((s) => s.score))).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
      expect(scores.reduce((sum, s) => sum + s.score, 0) / scores.length).toBeLessThan(0.05);
    }
  });

  it('scores a spike high and calls it a spike, with the expected value and band from the past', () => {
    const detector = new SeriesDetector();
    run(detector, noisy(1, 3000));
    const spike = detector.update({ t: T0 + 3000 * STEP, v: 160 });
    expect(spike.score).toBeGreaterThan(DEFAULT_ALERT_THRESHOLD);
    expect(spike.explanation.component).toBe('spike');
    expect(spike.explanation.expected).toBeCloseTo(100, -1);
    expect(spike.explanation.upper).toBeLessThan(160);
    expect(spike.explanation.lower).toBeGreaterThan(80);
    expect(spike.explanation.surprise).toBeGreaterThan(3);
  });

  it('alerts once on a level shift and names it a level shift as it persists', () => {
    const detector = new SeriesDetector();
    run(detector, noisy(2, 3000));
    const shifted = run(detector, noisy(3, 12, 130, 2, 3000));
    expectWellFormed(shifted);
    expect((shifted[0] as SeriesScore).score).toBeGreaterThan(DEFAULT_ALERT_THRESHOLD);
    // one incident, one alert: the following points are held down and marked as repeats
    for (const s of shifted.slice(1)) {
      expect(s.score).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
      expect(s.explanation.repeat).toBe(true);
    }
    expect(shifted.slice(3).every((s) => s.explanation.component === 'level_shift')).toBe(true);
  });

  it('learns a daily pattern, so the daily switch is ordinary and a missed switch is not', () => {
    const daily = (i: number): number => {
      const hour = ((i * STEP) / 3_600_000) % 24;
      return hour >= 9 && hour < 18 ? 80 : 20;
    };
    const random = seeded(7);
    const detector = new SeriesDetector();
    const days = 12;
    const perDay = 288;
    const scores = run(detector, Array.from({ length: days * perDay }, (_, i) => ({ t: T0 + i * STEP, v: daily(i) + random() })));
    expect(Math.max(...scores.slice(5 * perDay).map((s) => s.score))).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
    // the next day stays at night level through business hours
    const missed = run(detector, Array.from({ length: perDay }, (_, i) => ({ t: T0 + (days * perDay + i) * STEP, v: 20 + random() })));
    expect(Math.max(...missed.map((s) => s.score))).toBeGreaterThan(DEFAULT_ALERT_THRESHOLD);
  });

  it('continues identically after a state round-trip through JSON', () => {
    const points = noisy(4, 4000);
    points[3000] = { t: points[3000]?.t ?? 0, v: 200 };
    const straight = new SeriesDetector();
    const expected = run(straight, points);
    const first = new SeriesDetector();
    run(first, points.slice(0, 2000));
    const json = JSON.stringify(first.state());
    const resumed = new SeriesDetector({}, JSON.parse(json));
    expect(run(resumed, points.slice(2000))).toEqual(expected.slice(2000));
    expect(JSON.stringify(resumed.state())).toBe(JSON.stringify(straight.state()));
  });

  it('keeps its serialized state under 1 KiB', () => {
    const detector = new SeriesDetector();
    run(detector, noisy(6, 20000, 1234.5678, 97.3));
    expect(JSON.stringify(detector.state()).length).toBeLessThanOrEqual(1024);
  });

  it('rejects a state of another version instead of misreading it', () => {
    const state = { ...new SeriesDetector().state(), version: 99 };
    expect(() => new SeriesDetector({}, state)).toThrow(/version/);
  });

  it('is deterministic: the same points give the same scores', () => {
    const points = noisy(8, 3000);
    expect(run(new SeriesDetector(), points)).toEqual(run(new SeriesDetector(), points));
  });

  it('is causal: a score does not change when later points are added', () => {
    const points = noisy(9, 2500);
    const full = run(new SeriesDetector(), points);
    const cut = run(new SeriesDetector(), points.slice(0, 1700));
    expect(full.slice(0, 1700)).toEqual(cut);
  });
});

describe('SeriesDetector on bad input', () => {
  it('treats NaN values as missing: finite scores, state unharmed', () => {
    const points = noisy(10, 2000);
    for (const i of [100, 900, 901, 902, 1500]) points[i] = { t: points[i]?.t ?? 0, v: NaN };
    const detector = new SeriesDetector();
    const scores = run(detector, points);
    expectWellFormed(scores);
    expect(scores[900]?.explanation.component).not.toBe('spike');
    expect(JSON.stringify(detector.state())).not.toMatch(/null|NaN/);
  });

  it('treats +/-Infinity values as missing', () => {
    const points = noisy(11, 2000);
    points[700] = { t: points[700]?.t ?? 0, v: Infinity };
    points[701] = { t: points[701]?.t ?? 0, v: -Infinity };
    const detector = new SeriesDetector();
    expectWellFormed(run(detector, points));
    expect(JSON.stringify(detector.state())).not.toMatch(/null/);
  });

  it('detects missing points from the timestamps: a gap in a regular series is named a gap', () => {
    const detector = new SeriesDetector();
    run(detector, noisy(12, 2000));
    const after = detector.update({ t: T0 + 2100 * STEP, v: 100 });
    expectWellFormed([after]);
    expect(after.explanation.component).toBe('gap');
    expect(after.score).toBeGreaterThan(0);
  });

  it('accepts duplicate and out-of-order timestamps without crashing or moving the clock back', () => {
    const points = noisy(13, 2000);
    const messy: SeriesPoint[] = [];
    points.forEach((p, i) => {
      messy.push(p);
      if (i % 97 === 0) messy.push({ t: p.t, v: p.v + 1 }); // duplicate time
      if (i % 131 === 0) messy.push({ t: p.t - 3_600_000, v: p.v }); // an hour late
    });
    const detector = new SeriesDetector();
    const scores = run(detector, messy);
    expectWellFormed(scores);
    expect(Math.max(...scores.slice(500).map((s) => s.score))).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
    expect(detector.state().fields[1]).toBe(points[points.length - 1]?.t);
  });

  it('accepts NaN, infinite, huge and negative timestamps', () => {
    const points = noisy(14, 1000);
    points[400] = { t: NaN, v: 100 };
    points[401] = { t: Infinity, v: 100 };
    points[600] = { t: 1e300, v: 100 };
    points[601] = { t: -1e300, v: 100 };
    points[602] = { t: -86_400_000 * 365, v: 100 };
    const detector = new SeriesDetector();
    expectWellFormed(run(detector, points));
    expectWellFormed(run(detector, noisy(14, 100, 100, 2, 1000).map((p) => ({ t: p.t + 1e300, v: p.v }))));
    expect(JSON.stringify(detector.state())).not.toMatch(/null/);
  });

  it('keeps a constant series low, and at 0 once it has been constant for long', () => {
    const scores = run(new SeriesDetector(), Array.from({ length: 5000 }, (_, i) => ({ t: T0 + i * STEP, v: 42 })));
    expectWellFormed(scores);
    expect(Math.max(...scores.map((s) => s.score))).toBeLessThan(DEFAULT_ALERT_THRESHOLD / 2);
    expect(scores.slice(1000).every((s) => s.score === 0)).toBe(true);
  });

  it('survives huge values (1e300, -1e300, Number.MAX_VALUE) with finite scores and state', () => {
    const points = noisy(15, 3000);
    points[1000] = { t: points[1000]?.t ?? 0, v: 1e300 };
    points[1001] = { t: points[1001]?.t ?? 0, v: -1e300 };
    points[2000] = { t: points[2000]?.t ?? 0, v: Number.MAX_VALUE };
    const detector = new SeriesDetector();
    const scores = run(detector, points);
    expectWellFormed(scores);
    expect(scores[1000]?.score).toBeGreaterThan(DEFAULT_ALERT_THRESHOLD);
    const huge = run(new SeriesDetector(), Array.from({ length: 2000 }, (_, i) => ({ t: T0 + i * STEP, v: (i % 2 ? 1e300 : -1e300) })));
    expectWellFormed(huge);
    expect(JSON.stringify(detector.state())).not.toMatch(/null/);
  });

  it('starts from a first point that has no value', () => {
    const detector = new SeriesDetector();
    const scores = run(detector, [{ t: T0, v: NaN }, { t: T0 + STEP, v: NaN }, ...noisy(16, 500, 100, 2, 2)]);
    expectWellFormed(scores);
  });
});
