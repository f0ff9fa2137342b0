/**
 * Keeps at most `perMinute` examples per key and minute (more for problems), so evidence around
 * an anomaly survives without storing the firehose. A key is a scope (the service) and a
 * sub-key (severity, operation), kept apart in nested maps so no key string is built per
 * record. Bounded memory: past `maxKeys`, the oldest minutes are forgotten first.
 */
export class EvidenceSampler {
  private readonly minutes = new Map<number, Map<string, Map<string, number>>>();
  private keys = 0;

  constructor(
    private readonly perMinute: number,
    private readonly problemPerMinute: number,
    private readonly maxKeys = 100_000,
  ) {}

  offer(scope: string, key: string, minute: number, problem: boolean): boolean {
    const limit = problem ? this.problemPerMinute : this.perMinute;
    if (limit <= 0) return false;
    let scopes = this.minutes.get(minute);
    if (!scopes) this.minutes.set(minute, (scopes = new Map()));
    let counts = scopes.get(scope);
    if (!counts) scopes.set(scope, (counts = new Map()));
    const count = counts.get(key);
    if (count === undefined) {
      counts.set(key, 1);
      if (++this.keys > this.maxKeys) this.forgetOldest(minute);
      return true;
    }
    if (count >= limit) return false;
    counts.set(key, count + 1);
    return true;
  }

  /**
   * Drops whole minutes, oldest first, until a tenth of the budget is free; the current minute
   * goes last, and only if it alone is over the budget.
   */
  private forgetOldest(current: number): void {
    const target = this.maxKeys - Math.ceil(this.maxKeys / 10);
    const order = [...this.minutes.keys()].sort((a, b) => (a === current ? 1 : b === current ? -1 : a - b));
    for (const minute of order) {
      if (this.keys <= target) break;
      for (const counts of (this.minutes.get(minute) as Map<string, Map<string, number>>).values()) this.keys -= counts.size;
      this.minutes.delete(minute);
    }
  }
}
