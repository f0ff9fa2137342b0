export interface CorrelationOptions {
  /** An anomaly joins an open incident whose last activity is at most this long before it. */
  joinWindowMinutes: number;
  /** …if its service is the incident's or within this many hops of one in the dependency graph. */
  maxHops: number;
  /** An incident resolves once every member recovered this long ago (event time). */
  resolveAfterMinutes: number;
  /** A signal that fires again within this long of its incident resolving reopens that incident. */
  cooldownMinutes: number;
}

export const DEFAULT_CORRELATION_OPTIONS: Readonly<CorrelationOptions> = Object.freeze({
  joinWindowMinutes: 10,
  maxHops: 2,
  resolveAfterMinutes: 10,
  cooldownMinutes: 30,
});
