/** A call from one service to another, as learnt from trace parent/child spans across services. */
export interface ServiceCall {
  caller: string;
  callee: string;
}

/**
 * Which services call which. Correlation uses it two ways: anomalies in services that are
 * connected (within a few hops, either direction) may share a cause; and a callee that went
 * wrong first is a better root-cause candidate than the callers that suffer from it.
 */
export class ServiceDependencyGraph {
  private readonly callees = new Map<string, Set<string>>();
  private readonly callers = new Map<string, Set<string>>();

  constructor(calls: readonly ServiceCall[] = []) {
    for (const call of calls) this.add(call);
  }

  add({ caller, callee }: ServiceCall): void {
    if (caller === callee) return;
    let callees = this.callees.get(caller);
    if (!callees) this.callees.set(caller, (callees = new Set()));
    callees.add(callee);
    let callers = this.callers.get(callee);
    if (!callers) this.callers.set(callee, (callers = new Set()));
    callers.add(caller);
  }

  /** Hops between two services ignoring direction, or null if not within `maxHops`. */
  distance(a: string, b: string, maxHops = 3): number | null {
    if (a === b) return 0;
    let frontier = new Set([a]);
    const seen = new Set([a]);
    for (let hops = 1; hops <= maxHops; hops++) {
      const next = new Set<string>();
      for (const s of frontier) {
        for (const n of [...(this.callees.get(s) ?? []), ...(this.callers.get(s) ?? [])]) {
          if (n === b) return hops;
          if (!seen.has(n)) {
            seen.add(n);
            next.add(n);
          }
        }
      }
      frontier = next;
    }
    return null;
  }

  /** Whether `a` (directly or through others) calls `b`: b is downstream of a. */
  dependsOn(a: string, b: string, maxHops = 6): boolean {
    let frontier = [a];
    const seen = new Set([a]);
    for (let hops = 0; hops < maxHops && frontier.length > 0; hops++) {
      const next: string[] = [];
      for (const s of frontier) {
        for (const n of this.callees.get(s) ?? []) {
          if (n === b) return true;
          if (!seen.has(n)) {
            seen.add(n);
            next.push(n);
          }
        }
      }
      frontier = next;
    }
    return false;
  }
}
