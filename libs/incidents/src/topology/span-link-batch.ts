import { CallTally, type ServiceCallCount } from './call-tally';
import type { LinkableSpan } from './span-call-linker';
import { SpanTable } from './span-table';

/** What a SpanCallLinker keeps between batches. */
export interface LinkerMemory {
  /** CLIENT / PRODUCER spans seen: span id → caller service, minute. */
  callers: SpanTable;
  /** SERVER / CONSUMER spans whose caller was not seen yet: parent span id → callee service. */
  waiting: SpanTable;
  /** Calls whose halves were in concurrent batches, for the next batch to write. */
  late: CallTally;
}

/**
 * One batch's spans being linked against a SpanCallLinker's memory (see there). Settle it once:
 * `commit()` after its calls were written, `abort()` when they were not.
 *
 * Whether a callee span was counted is what must follow the transaction, so callees are staged
 * here: those still waiting for their caller, and those this batch's callers took from the
 * memory. A caller span, though, is only a fact (span id → service, true whatever happens to the
 * batch), so it goes to the memory at once and concurrent batches see it: a callee is counted
 * either when it finds its caller or when its caller takes it from the waiting side, never both.
 */
export class SpanLinkBatch {
  private readonly waiting = new SpanTable(Infinity);
  private readonly taken = new SpanTable(Infinity);
  private readonly tally = new CallTally();
  private readonly late: CallTally | null;
  private settled = false;

  /** Made by SpanCallLinker.begin(): takes the late calls, so no other batch writes them too. */
  constructor(private readonly memory: LinkerMemory) {
    this.late = memory.late.isEmpty ? null : memory.late;
    if (this.late) memory.late = new CallTally();
  }

  add(span: LinkableSpan): void {
    const kind = span.kind;
    if (kind === 'client' || kind === 'producer') this.addCaller(span);
    else if ((kind === 'server' || kind === 'consumer') && span.parentSpanId !== null) this.addCallee(span, span.parentSpanId);
  }

  /** This batch's calls and the late calls it carries: one row per (caller, callee, minute). */
  calls(): ServiceCallCount[] {
    if (!this.late) return this.tally.calls();
    const all = new CallTally();
    all.addAll(this.late);
    all.addAll(this.tally);
    return all.calls();
  }

  /**
   * Its calls were written: its callees still without a caller wait in the memory, unless a
   * concurrent batch brought their caller meanwhile (then they are late calls).
   */
  commit(): void {
    this.settle();
    const { waiting } = this;
    for (let s = 0; s < waiting.slots; s++) {
      if (waiting.isLive(s)) this.place(waiting.idAt(s), waiting.serviceAt(s), waiting.minuteAt(s));
    }
  }

  /** Its calls were not written (the batch will be redone): give back what it took. */
  abort(): void {
    this.settle();
    const { taken } = this;
    for (let s = 0; s < taken.slots; s++) this.place(taken.idAt(s), taken.serviceAt(s), taken.minuteAt(s));
    if (this.late) this.memory.late.addAll(this.late);
  }

  private addCaller(span: LinkableSpan): void {
    const id = span.spanId;
    const caller = span.service;
    const minuteMs = minuteMsOf(span.endTimeUnixNano);
    this.memory.callers.addOnce(id, caller, minuteMs);
    // Callees that came first, in earlier batches (taken: no concurrent batch counts them too)…
    takeWaiting(this.memory.waiting, id, caller, minuteMs, this.tally, this.taken);
    // …and in this one.
    takeWaiting(this.waiting, id, caller, minuteMs, this.tally, null);
  }

  private addCallee(span: LinkableSpan, parentId: string): void {
    const { callers } = this.memory;
    const s = callers.first(parentId);
    if (s === -1) this.waiting.add(parentId, span.service, minuteMsOf(span.endTimeUnixNano));
    else if (callers.serviceAt(s) !== span.service) this.tally.add(callers.serviceAt(s), span.service, callers.minuteAt(s));
  }

  /** A callee settled after its batch: a late call if its caller is known by now, else it waits. */
  private place(parentId: string, callee: string, minuteMs: number): void {
    const { callers, waiting, late } = this.memory;
    const s = callers.first(parentId);
    if (s === -1) waiting.add(parentId, callee, minuteMs);
    else if (callers.serviceAt(s) !== callee) late.add(callers.serviceAt(s), callee, callers.minuteAt(s));
  }

  private settle(): void {
    if (this.settled) throw new Error('a span link batch is committed or aborted once');
    this.settled = true;
  }
}

/** Counts the callees in `table` waiting for caller span `id` (into `tally`), notes them in `taken`, forgets them. */
function takeWaiting(table: SpanTable, id: string, caller: string, minuteMs: number, tally: CallTally, taken: SpanTable | null): void {
  const first = table.first(id);
  if (first === -1) return;
  for (let s = first; s !== -1; s = table.nextOf(s)) {
    const callee = table.serviceAt(s);
    if (callee !== caller) tally.add(caller, callee, minuteMs);
    taken?.add(id, callee, table.minuteAt(s));
  }
  table.delete(id);
}

/** Start of the minute of a nanosecond timestamp, in ms; read digit by digit, allocating nothing. */
function minuteMsOf(unixNano: string): number {
  let seconds = 0;
  for (let i = 0, end = unixNano.length - 9; i < end; i++) seconds = seconds * 10 + (unixNano.charCodeAt(i) - 48);
  return (seconds - (seconds % 60)) * 1000;
}
