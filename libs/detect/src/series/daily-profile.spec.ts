import { binResolution, dayBin, roundBin } from './daily-profile';

describe('daily profile', () => {
  it('bins event time by UTC hour of day, before 1970 too', () => {
    expect(dayBin(Date.UTC(2024, 5, 1, 0, 0), 24)).toBe(0);
    expect(dayBin(Date.UTC(2024, 5, 1, 9, 59, 59), 24)).toBe(9);
    expect(dayBin(Date.UTC(2024, 5, 1, 23, 59, 59, 999), 24)).toBe(23);
    expect(dayBin(Date.UTC(1969, 11, 31, 18, 30), 24)).toBe(18);
  });

  it("rounds bins to 7 significant digits of the series' magnitude, so they serialize short", () => {
    const resolution = binResolution(123.456);
    const rounded = roundBin(-17.123456789, resolution);
    expect(rounded).toBe(-17.1235);
    expect(String(rounded).length).toBeLessThanOrEqual(11);
  });

  it('stays finite at the extremes of magnitude', () => {
    for (const magnitude of [0, 1e-300, 1e150, 1e300]) {
      const resolution = binResolution(magnitude);
      expect(Number.isFinite(resolution)).toBe(true);
      for (const x of [0, 1e-200, -3.5, 1e150]) expect(Number.isFinite(roundBin(x, resolution))).toBe(true);
    }
  });
});
