/** Calls from one service to another in one minute, as learnt from trace spans. */
export interface ServiceCallCount {
  caller: string;
  callee: string;
  /** Start of the minute (epoch ms) in which the caller's span ended. */
  minuteMs: number;
  calls: number;
}

/**
 * Call counts per (caller, callee, minute). Nested maps rather than a joined string key: counting
 * a call then allocates nothing once its caller, callee and minute have been seen.
 */
export class CallTally {
  private readonly byCaller = new Map<string, Map<string, Map<number, number>>>();

  get isEmpty(): boolean {
    return this.byCaller.size === 0;
  }

  add(caller: string, callee: string, minuteMs: number, calls = 1): void {
    let byCallee = this.byCaller.get(caller);
    if (!byCallee) this.byCaller.set(caller, (byCallee = new Map()));
    let byMinute = byCallee.get(callee);
    if (!byMinute) byCallee.set(callee, (byMinute = new Map()));
    byMinute.set(minuteMs, (byMinute.get(minuteMs) ?? 0) + calls);
  }

  addAll(other: CallTally): void {
    for (const call of other.calls()) this.add(call.caller, call.callee, call.minuteMs, call.calls);
  }

  /** One row per (caller, callee, minute). */
  calls(): ServiceCallCount[] {
    const rows: ServiceCallCount[] = [];
    for (const [caller, byCallee] of this.byCaller) {
      for (const [callee, byMinute] of byCallee) {
        for (const [minuteMs, calls] of byMinute) rows.push({ caller, callee, minuteMs, calls });
      }
    }
    return rows;
  }
}
