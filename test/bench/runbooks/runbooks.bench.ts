import { parseArgs } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultActionCatalog } from '@vigil/actions';
import { runbookSchema, type TriggerContext } from '@vigil/runbooks';
import { RunExecutor } from '@vigil/responder';
import { launchRun } from '@vigil/runs';
import { createPgliteDatabase, createPostgresDatabase, migrate, RunbookRunRepository, type Database } from '@vigil/store';
import pino from 'pino';

/**
 * `npx vigil bench runbooks [--json] [--runs N]`: what durability costs. 100 runbook runs of three
 * signed HTTP steps each, executed by the real RunExecutor on PostgreSQL (every step recorded and
 * audited before it acts, its result, timeline entry and the next step committed after, leases),
 * against a local endpoint that answers at once. The ceiling, in the same run: the same 300
 * signed requests sent by the same action adapter directly, one after another, with no database.
 * Uses DATABASE_URL (a scratch database: tables are emptied) or, unset, embedded PGlite.
 */
const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' }, count: { type: 'string', default: '100' } } });
const runs = Number(args.runs);
const count = Number(args.count);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const SECRET = 'whsec_YmVuY2htYXJrLXNlY3JldC1mb3ItcnVuYm9va3M=';

async function main(): Promise<void> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = { BENCH_SECRET: SECRET };
  const catalog = defaultActionCatalog({ env });
  const step = (name: string) => ({ type: 'action', name, action: 'http.request', target: 'deployment/{{service}}', with: { url: `${url}/${name}/{{service}}`, secretEnv: 'BENCH_SECRET' }, rollback: { action: 'http.request', with: { url: `${url}/undo`, secretEnv: 'BENCH_SECRET' } } });
  const runbook = runbookSchema.parse({
    apiVersion: 'vigil/v1', kind: 'Runbook', metadata: { name: 'bench' }, triggers: [{ on: 'anomaly' }], risk: 'low',
    guards: { cooldownMinutes: 0, maxRunsPerHour: 1000, maxConcurrentRuns: 100, blastRadius: { maxTargets: 1 } },
    steps: [step('drain'), step('restart'), step('undrain')],
  });
  const url0 = process.env['DATABASE_URL'];
  const db: Database = url0 ? await createPostgresDatabase({ url: url0, poolSize: 4 }) : await createPgliteDatabase();
  await migrate(db);
  const engine: number[] = [];
  const direct: number[] = [];
  const http = catalog.get('http.request')!;
  try {
    for (let r = 0; r < runs; r++) {
      // Ceiling: the adapter alone, sequentially.
      let t = performance.now();
      for (let i = 0; i < count * 3; i++) {
        const params = http.params.parse({ url: `${url}/direct/${i}`, secretEnv: 'BENCH_SECRET' });
        await http.run(params, { runId: 'bench', stepKey: `direct:${r}:${i}`, dryRun: false, signal: AbortSignal.timeout(10_000), target: 'deployment/x' });
      }
      direct.push((count * 3) / ((performance.now() - t) / 1000));

      await db.exec('TRUNCATE runbook_approvals, runbook_run_steps, runbook_runs, audit_log, webhook_deliveries CASCADE');
      await db.transaction(async (tx) => {
        const history: Parameters<typeof launchRun>[3]['history'] = [];
        for (let i = 0; i < count; i++) {
          const context: TriggerContext = {
            on: 'anomaly',
            incident: null,
            event: { v: 1, id: `e${r}x${i}`, status: 'open', kind: 'metric', service: `svc-${i}`, fingerprint: `svc-${i}|metric|x`, signal: 'x', timeUnixNano: '1', score: 1, summary: '', observed: null, expected: null, lower: null, upper: null, template: null, evidence: [] },
          };
          await launchRun(tx, runbook, context, { dryRun: false, history, killSwitch: false, nowMs: Date.now() });
        }
      });
      const pending = (await new RunbookRunRepository(db).list({ status: 'pending', limit: 1 })).items.length;
      if (pending === 0) throw new Error('no runs were created');
      const executor = new RunExecutor(db, catalog, pino({ level: 'silent' }), { leaseMs: 30_000, pollMs: 50, verifyPollMs: 1000 });
      t = performance.now();
      await executor.drain();
      engine.push((count * 3) / ((performance.now() - t) / 1000));
      const { rows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM runbook_runs WHERE status = 'succeeded'");
      if (Number(rows[0]?.n) !== count) throw new Error(`expected ${count} succeeded runs, got ${rows[0]?.n}`);
    }
  } finally {
    await db.close();
    server.close();
  }
  const result = {
    runs_per_measurement: count,
    steps_per_measurement: count * 3,
    driver: url0 ? 'postgres' : 'pglite',
    engine_steps_per_s: Math.round(median(engine)),
    direct_calls_per_s: Math.round(median(direct)),
    ratio: Number((median(engine) / median(direct)).toFixed(3)),
    overhead_ms_per_step: Number((1000 / median(engine) - 1000 / median(direct)).toFixed(2)),
    endpoint_calls: calls,
    measurements: runs,
  };
  if (!args.json) console.log(`durable engine ${result.engine_steps_per_s} steps/s vs direct ${result.direct_calls_per_s} calls/s (ratio ${result.ratio}; +${result.overhead_ms_per_step} ms per step for recording, auditing, leasing) on ${result.driver}`);
  console.log(JSON.stringify(result));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
