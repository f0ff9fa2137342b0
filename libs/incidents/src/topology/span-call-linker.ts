import type { SpanKind } from '@vigil/contracts';
import { CallTally, type ServiceCallCount } from './call-tally';
import { SpanLinkBatch, type LinkerMemory } from './span-link-batch';
import { SpanTable } from './span-table';

/** What the linker reads of a span (a `NormalizedSpan` is one). */
export interface LinkableSpan {
  service: string;
  spanId: string;
  parentSpanId: string | null;
  kind: SpanKind;
  endTimeUnixNano: string;
}

export interface SpanCallLinkerOptions {
  /** Spans remembered on each side (callers seen; callees waiting for their caller). */
  capacity?: number;
}

export const DEFAULT_LINKER_CAPACITY = 100_000;

/**
 * Learns which services call which from spans arriving in any order: a call is a CLIENT or
 * PRODUCER span (the caller's side) whose SERVER or CONSUMER child (the callee's side) belongs to
 * another service, counted in the minute the caller's span ended. Internal spans are not
 * remembered: they almost never have a child in another process, and would only push out the
 * spans that do. (So a call made through an uninstrumented client — a SERVER span whose parent is
 * the caller's INTERNAL span — is not learnt.)
 *
 * In OpenTelemetry a child usually ends, and is exported, before its parent, in another export
 * request from another process; so the linker remembers recent caller spans (span id → service)
 * and callee spans still waiting for their caller (parent span id → service), each side bounded to
 * `capacity` entries, oldest forgotten first. What a full side loses: a caller span forgotten
 * before its callee arrives, or a waiting callee forgotten before its caller arrives, is a call
 * not counted — a dependency whose two halves reach ingestion more than ~`capacity` spans of their
 * kind apart is under-counted, and missed if that holds for all its calls. Ids are keyed without
 * their trace id: with 64 random bits a collision among 200k remembered ids is about a
 * one-in-a-billion event, and the hex id string is already there (no key built per span).
 *
 * Linking is transactional per batch, so a batch whose database write fails can be redone without
 * counting a call twice: `begin()` a batch, `add` its spans, write `batch.calls()`, then `commit()`
 * the batch once its transaction committed, or `abort()` it when it rolled back. What must follow
 * the transaction is whether each callee span was counted: callees still waiting for their caller
 * are staged in the batch until it commits, and callees its callers took from the memory are
 * given back if it aborts. A caller span is a fact (this span id is that service's), remembered at
 * once. When it is unknown whether the write applied (COMMIT itself failed), just drop the batch:
 * what it took is then lost, never counted twice.
 *
 * Batches may be in flight at the same time (several partitions): a callee staged in one is out of
 * sight of its caller arriving in another meanwhile, so when the callee's batch commits and finds
 * its caller known, it keeps the call as a late call, which the next batch to begin writes.
 *
 * The memory is a cache: a process that restarts only loses the calls whose other half it saw
 * before the restart (and late calls not yet written).
 */
export class SpanCallLinker {
  private readonly memory: LinkerMemory;

  constructor(options: SpanCallLinkerOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_LINKER_CAPACITY;
    this.memory = { callers: new SpanTable(capacity), waiting: new SpanTable(capacity), late: new CallTally() };
  }

  /** Spans remembered on each side, for tests and metrics. */
  get remembered(): { callers: number; waiting: number } {
    return { callers: this.memory.callers.size, waiting: this.memory.waiting.size };
  }

  begin(): SpanLinkBatch {
    return new SpanLinkBatch(this.memory);
  }

  /** One batch begun, linked and committed at once (tests, benchmarks). */
  link(spans: Iterable<LinkableSpan>): ServiceCallCount[] {
    const batch = this.begin();
    for (const span of spans) batch.add(span);
    const calls = batch.calls();
    batch.commit();
    return calls;
  }
}
