import { TAIL_GAUGE_SIZE, initTailGauge, observeTail, tailSurprise } from './tail-gauge';

function trained(sample: (i: number) => number, count = 5000): number[] {
  const gauges = new Array<number>(TAIL_GAUGE_SIZE).fill(0);
  initTailGauge(gauges, 0);
  for (let i = 0; i < count; i++) observeTail(gauges, 0, sample(i), Math.max(0.003, 1 / (i + 1)));
  return gauges;
}

/** A deterministic low-discrepancy stand-in for uniform draws. */
const uniform = (i: number): number => (i * 0.6180339887498949) % 1;

describe('tail gauge', () => {
  it('finds ordinary values unsurprising', () => {
    const gauges = trained(uniform);
    expect(tailSurprise(gauges, 0, 0.5)).toBe(0);
    expect(tailSurprise(gauges, 0, 0.9)).toBe(0);
  });

  it('makes a far value very rare for a thin-tailed statistic, and only unusual for a heavy-tailed one', () => {
    const thin = trained(uniform);
    // Pareto(alpha 1.5) from the same draws: median ~1.6, a long right tail
    const heavy = trained((i) => Math.pow(1 - uniform(i) * 0.999, -1 / 1.5));
    const thinSurprise = tailSurprise(thin, 0, 10);
    const heavySurprise = tailSurprise(heavy, 0, 10);
    expect(thinSurprise).toBeGreaterThan(10);
    expect(heavySurprise).toBeGreaterThan(1);
    expect(heavySurprise).toBeLessThan(thinSurprise / 3);
  });

  it('grows with the value: more extreme is more surprising', () => {
    const gauges = trained(uniform);
    expect(tailSurprise(gauges, 0, 3)).toBeGreaterThan(tailSurprise(gauges, 0, 2));
  });

  it('judges before it learns: observeTail returns what tailSurprise said', () => {
    const gauges = trained(uniform);
    const before = tailSurprise(gauges, 0, 5);
    expect(observeTail(gauges, 0, 5, 0.003)).toBe(before);
    expect(tailSurprise(gauges, 0, 5)).toBeLessThan(before);
  });
});
