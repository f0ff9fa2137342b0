/**
 * Keeps at most `perMinute` examples per key and minute (more for problems), so evidence around
 * an anomaly survives without storing the firehose. Bounded memory: the oldest minutes are
 * forgotten first.
 */
export class EvidenceSampler {
  private readonly taken = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly problemPerMinute: number,
    private readonly maxKeys = 100_000,
  ) {}

  offer(key: string, minute: number, problem: boolean): boolean {
    const limit = problem ? this.problemPerMinute : this.perMinute;
    if (limit <= 0) return false;
    const id = `${minute}\u0000${key}`;
    const count = this.taken.get(id) ?? 0;
    if (count >= limit) return false;
    this.taken.set(id, count + 1);
    if (this.taken.size > this.maxKeys) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let drop = Math.ceil(this.maxKeys / 10);
      for (const k of this.taken.keys()) {
        if (drop-- <= 0) break;
        this.taken.delete(k);
      }
    }
    return true;
  }
}
