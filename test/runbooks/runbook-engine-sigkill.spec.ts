import { createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, useTestBroker, useTestDatabase } from '@vigil/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { useWorkerProcesses } from '../harness/worker-processes';
import { anomalyEvent, MINUTE, publishAnomalies } from '../incidents/anomaly-traffic';
import { startRemediationEndpoint } from './remediation-endpoint';

const SECRET = 'whsec_a2lsbC1uaW5lLXRlc3Qtc2VjcmV0LWZvci12aWdpbA==';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The runbook engine killed with SIGKILL mid-run (separate `vigil responder-worker` processes):
 * the survivor takes the runs over when their leases lapse; counted at the remediation endpoint,
 * every step acted exactly once — none twice, none lost.
 */
describe('runbook engine: a responder killed with SIGKILL mid-run', () => {
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let db: Database;
  let producer: Producer;
  let endpoint: Awaited<ReturnType<typeof startRemediationEndpoint>>;
  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
    await endpoint?.close();
  });

  it('resumes every run: each step acts once at the endpoint, none is lost', async () => {
    endpoint = await startRemediationEndpoint({ secret: SECRET, delayMs: 400 });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-runbooks-kill-'));
    const step = (name: string) => `  - type: action
    name: ${name}
    action: http.request
    target: deployment/{{service}}
    with: { url: "${endpoint.url}/${name}/{{service}}", secretEnv: REMEDIATION_SECRET }
    rollback: { action: http.request, with: { url: "${endpoint.url}/undo-${name}/{{service}}", secretEnv: REMEDIATION_SECRET } }
`;
    writeFileSync(
      join(dir, 'heal.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata: { name: heal-service }
triggers: [{ on: anomaly, service: "~svc-.*" }]
risk: low
guards: { cooldownMinutes: 0, maxRunsPerHour: 100, maxConcurrentRuns: 20 }
steps:
${step('drain')}${step('restart')}${step('undrain')}`,
    );
    const anomalies = await kafka.createTopic(undefined, 4);
    const topics = await createPipelineTopics(kafka);
    const env = {
      ...(await pipelineEnv(kafka, pg.url, topics, anomalies)),
      VIGIL_RESPONDER_GROUP: `responder-${randomBytes(4).toString('hex')}`,
      VIGIL_RUNBOOKS_DIR: dir,
      VIGIL_RUNBOOK_LEASE_MS: '1500',
      VIGIL_RUNBOOK_POLL_MS: '100',
      REMEDIATION_SECRET: SECRET,
    };
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    const first = workers.start('responder-worker', env);
    workers.start('responder-worker', env);
    producer = await collectorProducer(kafka.brokers);
    await sleep(4000);
    const services = Array.from({ length: 6 }, (_, i) => `svc-${i}`);
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
    await publishAnomalies(producer, anomalies, services.map((service) => anomalyEvent(t0, { service, signal: 'span:server:GET /#p95', minute: 0, observed: 900, expected: 30 })));
    await expectEventually(() => expect(endpoint.executions.length).toBeGreaterThanOrEqual(4), { timeoutMs: 60000, intervalMs: 50 });
    first.kill('SIGKILL');
    const expected = services.length * 3;
    // Killed mid-stream: most steps were still to come.
    expect(endpoint.executions.length).toBeLessThan(expected);
    await expectEventually(async () => {
      const { rows } = await db.query<{ status: string; n: string }>('SELECT status, count(*)::text AS n FROM runbook_runs GROUP BY status');
      expect(rows).toEqual([{ status: 'succeeded', n: String(services.length) }]);
    }, { timeoutMs: 60000, intervalMs: 250 });
    const keys = endpoint.executions.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(expected);
    for (const service of services) {
      expect(endpoint.executions.filter((e) => e.path.endsWith(`/${service}`)).map((e) => e.path.split('/')[1])).toEqual(['drain', 'restart', 'undrain']);
    }
    // Repeats reached the endpoint only for steps in flight when the worker died, with the same key.
    const repeats = endpoint.deliveries.length - endpoint.executions.length;
    const { rows } = await db.query<{ attempts: number }>("SELECT attempts FROM runbook_run_steps WHERE type = 'action'");
    expect(rows).toHaveLength(expected);
    const resumed = rows.filter((r) => r.attempts > 1).length;
    expect(repeats).toBeLessThanOrEqual(resumed);
    if (process.env['VIGIL_TEST_VERBOSE']) console.log({ repeats, resumed, deliveries: endpoint.deliveries.length });
    expect(endpoint.deliveries.every((d) => d.signed)).toBe(true);
  }, 120000);
});
