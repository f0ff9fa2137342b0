/**
 * A daily seasonal profile: the UTC day cut into equal bins (24 = hourly), each holding the typical
 * offset of the series from its level at that time of day. Bins rather than a smooth curve because
 * operational series switch abruptly (business hours, batch jobs) and a step fits both that and,
 * with the level following along, a smooth daily swing.
 */
const DAY_MS = 86_400_000;

/** The bin of the day that event time `t` falls in. */
export function dayBin(t: number, bins: number): number {
  const ms = t - Math.floor(t / DAY_MS) * DAY_MS;
  const bin = Math.floor((ms / DAY_MS) * bins);
  // beyond 2^53 ms the remainder is rounding noise; any bin will do as long as it is one
  return bin >= 0 ? (bin < bins ? bin : bins - 1) : 0;
}

/** Per-point learning gain of a bin so that the profile remembers about `memoryDays` days at any cadence. */
export function profileGain(cadenceMs: number, bins: number, memoryDays: number): number {
  const gain = cadenceMs / ((DAY_MS / bins) * memoryDays);
  return gain < 0.5 ? gain : 0.5;
}

/**
 * The power of ten that keeps 7 significant digits for values of about `magnitude`. Bins are
 * stored rounded to it: a profile is a noisy average so nothing is lost, and a bin then serializes
 * in ~10 characters instead of ~20 (the profile is most of a state's size).
 */
export function binResolution(magnitude: number): number {
  const m = magnitude > 1e-290 ? (magnitude < 1e290 ? magnitude : 1e290) : 1e-290;
  return 10 ** (6 - Math.floor(Math.log10(m)));
}

/** `x` rounded to a multiple of 1 / `resolution`; unchanged if that would not be finite. */
export function roundBin(x: number, resolution: number): number {
  const y = Math.round(x * resolution) / resolution;
  return y - y === 0 ? y : x;
}
