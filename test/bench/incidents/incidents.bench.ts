import { parseArgs } from 'node:util';
import type { AnomalyEvent } from '@vigil/contracts';
import { DEFAULT_CORRELATION_OPTIONS, IncidentCorrelator, ServiceDependencyGraph, type ServiceCall } from '@vigil/incidents';
import { IncidentBook } from '@vigil/responder';
import { createPgliteDatabase, createPostgresDatabase, IncidentRepository, migrate, type Database } from '@vigil/store';

/**
 * `npx vigil bench incidents [--json] [--runs N]`: an outage storm — 30 independent failures,
 * each across a chain of 10 services, 2,000 signals firing at once and updating every minute for
 * 10 minutes (22,000 anomaly events) — through the responder's real write path (IncidentBook on
 * PostgreSQL: correlation, severity, root causes, timeline, one transaction per 500-event batch).
 * Compared in the same run with its ceiling, the pure correlator alone on the same events.
 * Uses DATABASE_URL (a scratch database: tables are emptied) or, unset, embedded PGlite.
 */
const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' } } });
const runs = Number(args.runs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const CLUSTERS = 20;
const CHAIN = 10;
const SIGNALS_PER_SERVICE = 10;
const UPDATES = 10;

const calls: ServiceCall[] = [];
for (let c = 0; c < CLUSTERS; c++) for (let k = 0; k + 1 < CHAIN; k++) calls.push({ caller: `svc-${c}-${k}`, callee: `svc-${c}-${k + 1}` });

function storm(): AnomalyEvent[] {
  const events: AnomalyEvent[] = [];
  for (let minute = 0; minute <= UPDATES; minute++) {
    for (let c = 0; c < CLUSTERS; c++) {
      for (let k = 0; k < CHAIN; k++) {
        for (let s = 0; s < SIGNALS_PER_SERVICE; s++) {
          const service = `svc-${c}-${k}`;
          const signal = `span:server:op-${s}#p95`;
          const at = T0 + (minute + (CHAIN - k) % 3) * MIN;
          events.push({
            v: 1, id: `e${c}x${k}x${s}`, status: minute === 0 ? 'open' : 'update', kind: 'span_red', service, fingerprint: `${service}|${signal}`, signal,
            timeUnixNano: `${at}000000`, score: 0.9, summary: `${signal} = ${900 + minute} (expected 50)`, observed: 900 + minute, expected: 50, lower: 0, upper: 100, template: null,
            evidence: [{ timeUnixNano: `${at}000000`, severityNumber: 17, body: `${service} slow`, traceId: 'ab'.repeat(16), spanId: null }],
          });
        }
      }
    }
  }
  return events;
}

async function openDb(): Promise<Database> {
  const url = process.env['DATABASE_URL'];
  const db = url ? await createPostgresDatabase({ url, poolSize: 2 }) : await createPgliteDatabase();
  await migrate(db);
  return db;
}

async function main(): Promise<void> {
  const events = storm();
  const graph = new ServiceDependencyGraph(calls);
  const pure: number[] = [];
  const stored: number[] = [];
  const firstIncidentMs: number[] = [];
  let incidents = 0;
  const db = await openDb();
  try {
    for (let run = 0; run < runs; run++) {
      let t = performance.now();
      const correlator = new IncidentCorrelator(graph, DEFAULT_CORRELATION_OPTIONS);
      for (const e of events) correlator.apply(e);
      pure.push(events.length / ((performance.now() - t) / 1000));

      await db.exec('TRUNCATE incident_timeline, incident_signals, postmortems, incidents CASCADE; UPDATE responder_state SET version = 0, watermark_ms = 0, next_number = 1');
      const book = new IncidentBook(graph, { correlation: DEFAULT_CORRELATION_OPTIONS, catalog: {} });
      t = performance.now();
      let first = -1;
      for (let i = 0; i < events.length; i += 500) {
        const batch = events.slice(i, i + 500);
        await db.transaction(async (tx) => {
          const repo = new IncidentRepository(tx);
          const state = await repo.lockState();
          if (book.version !== state.version) await book.reload(tx, state);
          await book.apply(tx, batch, { silences: [], maintenance: [] }, Date.now());
          await repo.saveState({ version: state.version + 1, watermarkMs: book.watermarkMs, nextNumber: book.nextNumber });
          book.version = state.version + 1;
        });
        if (first < 0) first = performance.now() - t;
      }
      stored.push(events.length / ((performance.now() - t) / 1000));
      firstIncidentMs.push(first);
      incidents = (await new IncidentRepository(db).list({ limit: 1000 })).items.length;
    }
  } finally {
    await db.close();
  }
  const result = {
    events: events.length,
    signals: CLUSTERS * CHAIN * SIGNALS_PER_SERVICE,
    incidents,
    expected_incidents: CLUSTERS,
    driver: process.env['DATABASE_URL'] ? 'postgres' : 'pglite',
    correlator_events_per_s: Math.round(median(pure)),
    responder_events_per_s: Math.round(median(stored)),
    ratio: Number((median(stored) / median(pure)).toFixed(4)),
    first_batch_ms: Math.round(median(firstIncidentMs)),
    runs,
  };
  if (!args.json) {
    console.log(`outage storm: ${result.events} events from ${result.signals} signals → ${result.incidents} incidents (expected ${CLUSTERS}) on ${result.driver}`);
    console.log(`pure correlator ${result.correlator_events_per_s} events/s; responder write path ${result.responder_events_per_s} events/s (ratio ${result.ratio}); first 500-event batch stored in ${result.first_batch_ms} ms (medians of ${runs})`);
  }
  console.log(JSON.stringify(result));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
