import { parseArgs } from 'node:util';
import { SpanCallLinker, type LinkableSpan } from '@vigil/incidents';

/**
 * The span call linker alone, on the ingest hot path's shape: 1M synthetic spans of a payments
 * system (gateway → payments → ledger, payments → fraud-check, with internal spans), exported the
 * way SDKs do — one request per service per few requests served, the callees' requests before
 * their callers' — and linked in batches of 50 requests (begin, add every span, calls(), commit),
 * with a fresh linker (default capacity) per run; against a naive unbounded linker over the same
 * batches, in the same process. Checks every call was found by both.
 *
 *   node --max-semi-space-size=64 --expose-gc tools/ts-run.js test/bench/linker/span-call-linker.bench.ts [--json] [--runs 5] [--spans 1000000]
 */
const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    spans: { type: 'string', default: '1000000' },
  },
});
const runs = Number(args.runs);
const T0 = Date.UTC(2026, 0, 1);
const SPANS_PER_REQUEST = 10;
const CALLS_PER_REQUEST = 3;
const REQUESTS_PER_EXPORT = 20;
const MESSAGES_PER_BATCH = 50;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

let nextId = 0;
const id = (): string => (++nextId).toString(16).padStart(16, '0');

/** One request's spans, by service: 10 spans, 3 of them remote calls. */
function request(endMs: number): Record<string, LinkableSpan[]> {
  const s = (service: string, kind: LinkableSpan['kind'], parentSpanId: string | null, end: number): LinkableSpan => ({
    service, kind, spanId: id(), parentSpanId, endTimeUnixNano: `${end}000000`,
  });
  const gwServer = s('gateway', 'server', null, endMs);
  const gwClient = s('gateway', 'client', gwServer.spanId, endMs - 1);
  const payServer = s('payments', 'server', gwClient.spanId, endMs - 2);
  const payInternal = s('payments', 'internal', payServer.spanId, endMs - 3);
  const payValidate = s('payments', 'internal', payServer.spanId, endMs - 30);
  const ledgerClient = s('payments', 'client', payInternal.spanId, endMs - 4);
  const fraudClient = s('payments', 'client', payServer.spanId, endMs - 20);
  const ledgerServer = s('ledger', 'server', ledgerClient.spanId, endMs - 5);
  const ledgerDb = s('ledger', 'internal', ledgerServer.spanId, endMs - 6);
  const fraudServer = s('fraud-check', 'server', fraudClient.spanId, endMs - 21);
  return {
    gateway: [gwClient, gwServer],
    payments: [payInternal, payValidate, ledgerClient, fraudClient, payServer],
    ledger: [ledgerDb, ledgerServer],
    'fraud-check': [fraudServer],
  };
}

/** Batches of export requests, callees' requests first, each service's spans in end order. */
function workload(spanCount: number): LinkableSpan[][] {
  const messages: LinkableSpan[][] = [];
  const requests = Math.ceil(spanCount / SPANS_PER_REQUEST);
  for (let r = 0; r < requests; r += REQUESTS_PER_EXPORT) {
    const byService: Record<string, LinkableSpan[]> = { ledger: [], 'fraud-check': [], payments: [], gateway: [] };
    for (let i = r; i < Math.min(requests, r + REQUESTS_PER_EXPORT); i++) {
      for (const [service, spans] of Object.entries(request(T0 + i * 10))) byService[service]?.push(...spans);
    }
    messages.push(...Object.values(byService));
  }
  const batches: LinkableSpan[][] = [];
  for (let m = 0; m < messages.length; m += MESSAGES_PER_BATCH) batches.push(messages.slice(m, m + MESSAGES_PER_BATCH).flat());
  return batches;
}

function linkAll(batches: LinkableSpan[][], linker: SpanCallLinker): { spansPerS: number; calls: number } {
  let calls = 0;
  let spans = 0;
  const started = performance.now();
  for (const spansOfBatch of batches) {
    const batch = linker.begin();
    for (let i = 0; i < spansOfBatch.length; i++) batch.add(spansOfBatch[i] as LinkableSpan);
    for (const row of batch.calls()) calls += row.calls;
    batch.commit();
    spans += spansOfBatch.length;
  }
  return { spansPerS: spans / ((performance.now() - started) / 1000), calls };
}

/**
 * The reference: a naive linker — two unbounded Maps (caller span id → service, parent span id →
 * waiting callee service), no batches, no transactions, one joined string key per call counted —
 * over the same batches. What bounding the memory and linking per transaction cost on top.
 */
function naiveLinkAll(batches: LinkableSpan[][]): { spansPerS: number; calls: number } {
  const callers = new Map<string, string>();
  const waiting = new Map<string, string>();
  const tally = new Map<string, number>();
  let spans = 0;
  const started = performance.now();
  for (const spansOfBatch of batches) {
    for (let i = 0; i < spansOfBatch.length; i++) {
      const span = spansOfBatch[i] as LinkableSpan;
      const minute = Math.floor(Number(span.endTimeUnixNano.slice(0, -6)) / 60_000);
      if (span.kind === 'client' || span.kind === 'producer') {
        callers.set(span.spanId, span.service);
        const callee = waiting.get(span.spanId);
        if (callee !== undefined) {
          waiting.delete(span.spanId);
          const key = `${span.service}|${callee}|${minute}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      } else if ((span.kind === 'server' || span.kind === 'consumer') && span.parentSpanId !== null) {
        const caller = callers.get(span.parentSpanId);
        if (caller === undefined) waiting.set(span.parentSpanId, span.service);
        else {
          const key = `${caller}|${span.service}|${minute}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      }
    }
    spans += spansOfBatch.length;
  }
  const calls = [...tally.values()].reduce((a, b) => a + b, 0);
  return { spansPerS: spans / ((performance.now() - started) / 1000), calls };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function main(): void {
  const batches = workload(Number(args.spans));
  const spanCount = batches.reduce((n, b) => n + b.length, 0);
  const expectedCalls = (spanCount / SPANS_PER_REQUEST) * CALLS_PER_REQUEST;
  linkAll(batches, new SpanCallLinker()); // warm-up
  naiveLinkAll(batches);
  const rates: number[] = [];
  const naiveRates: number[] = [];
  for (let r = 0; r < runs; r++) {
    // alternate the order so neither side always runs on a warmer heap
    for (const side of r % 2 === 0 ? ['naive', 'linker'] : ['linker', 'naive']) {
      gc();
      const { spansPerS, calls } = side === 'naive' ? naiveLinkAll(batches) : linkAll(batches, new SpanCallLinker());
      if (calls !== expectedCalls) throw new Error(`${side}: linked ${calls} calls, expected ${expectedCalls}`);
      (side === 'naive' ? naiveRates : rates).push(spansPerS);
    }
  }
  // What a full linker holds: heap with one kept alive after a run, against none.
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = new SpanCallLinker();
  linkAll(batches, kept);
  gc();
  const heldMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const result = {
    benchmark: 'span-call-linker',
    node: process.version,
    runs,
    spans_per_run: spanCount,
    calls_per_run: expectedCalls,
    spans_per_s: Math.round(median(rates)),
    naive_spans_per_s: Math.round(median(naiveRates)),
    ratio_to_naive: Number((median(rates) / median(naiveRates)).toFixed(2)),
    ns_per_span: Math.round(1e9 / median(rates)),
    core_share_at_50k_spans_per_s: Number((50_000 / median(rates)).toFixed(4)),
    remembered: kept.remembered,
    held_mb: Number(heldMb.toFixed(1)),
  };
  for (const [i, rate] of rates.entries()) process.stdout.write(`run ${i + 1}: ${Math.round(rate)} spans/s (naive unbounded linker ${Math.round(naiveRates[i] ?? 0)} spans/s)\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
