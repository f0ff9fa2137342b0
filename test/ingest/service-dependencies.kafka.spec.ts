import { randomBytes } from 'node:crypto';
import type { Platform } from '@vigil/cli';
import { ServiceDependencyGraph } from '@vigil/incidents';
import { ServiceCallRepository, type ServiceCallEdge } from '@vigil/store';
import { expectEventually, useTestBroker, useTestDatabase } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { getJson, startTestPlatform } from '../e2e/platform-fixture';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { rollupTotals, type IngestTopics } from './ingest-accounting';
import { TracedServices, type CallTree } from './service-call-traces';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

/**
 * The service dependency graph learnt at ingestion, on the real backbone: real OTLP export
 * requests (one per service, as each service's SDK sends them; the callees' first) → Kafka →
 * the ingest worker's span call linker, whose memory spans batches → service_calls_1m.
 */
describe('ingest: service dependencies from traces, Kafka → PostgreSQL', () => {
  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase({ migrate: false });
  let platform: Platform;
  let producer: Producer;
  let topics: IngestTopics;
  const startedMs = Date.now();

  beforeAll(async () => {
    topics = await createPipelineTopics(kafka, { spans: 3 });
    ({ platform } = await startTestPlatform(await pipelineEnv(kafka, pg.url, topics)));
    await expectEventually(async () => expect((await getJson(`${platform.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
    producer = await collectorProducer(kafka.brokers);
  });

  /** The stored edges touching any of `services`. */
  async function edgesOf(services: readonly string[]): Promise<ServiceCallEdge[]> {
    const edges = await new ServiceCallRepository(platform.db).graph(startedMs - 5 * MIN);
    return edges.filter((e) => services.includes(e.caller) || services.includes(e.callee));
  }

  /**
   * Sends a service's export request on its own and waits until ingest has stored its spans, so
   * the next service's request is linked in a later batch: the other half must be remembered.
   */
  async function exportAndWait(traced: TracedServices, service: string, spans: number): Promise<void> {
    await producer.send({ topic: topics.spans, messages: [{ value: traced.exportRequest(service) }] });
    await expectEventually(async () => expect((await rollupTotals(platform.db, service)).spans).toBe(spans), { timeoutMs: 30000, intervalMs: 100 });
  }

  it('learns gateway → payments → ledger with their call counts from callees exported before callers, and nothing else', async () => {
    const id = randomBytes(3).toString('hex');
    const [gateway, payments, ledger, search, catalog] = ['gateway', 'payments', 'ledger', 'search', 'catalog'].map((s) => `${s}-${id}`) as [string, string, string, string, string];
    const traced = new TracedServices();
    // Each payment: the gateway calls payments, which posts two ledger entries.
    const payment: CallTree = { service: gateway, calls: [{ service: payments, calls: [{ service: ledger }, { service: ledger }] }] };
    // An unrelated service, calling one whose spans never reach Vigil (not instrumented).
    const lookup: CallTree = { service: search, calls: [{ service: catalog }] };
    const now = Date.now();
    for (let i = 0; i < 4; i++) traced.request(payment, now - i * 1000);
    for (let i = 0; i < 3; i++) traced.request(lookup, now - i * 1000);

    // Spans per service and request: its server and internal span, and a client span per call.
    await exportAndWait(traced, ledger, 4 * 2 * 2);
    await exportAndWait(traced, payments, 4 * 4);
    await exportAndWait(traced, search, 3 * 3);
    await exportAndWait(traced, gateway, 4 * 3);

    const mine = [gateway, payments, ledger, search, catalog];
    const expected = [
      { caller: gateway, callee: payments, calls: 4 },
      { caller: payments, callee: ledger, calls: 8 },
    ];
    const edges = await expectEventually(async () => {
      const found = await edgesOf(mine);
      expect(found.map(({ caller, callee, calls }) => ({ caller, callee, calls }))).toEqual(expected);
      return found;
    }, { timeoutMs: 30000, intervalMs: 100 });
    for (const edge of edges) {
      expect(edge.firstSeenMs).toBeGreaterThanOrEqual(Math.floor((now - 5000) / MIN) * MIN);
      expect(edge.lastSeenMs).toBeLessThanOrEqual(now);
    }
    // Nothing arrives twice later (a redelivery would show up now).
    await sleep(1500);
    expect((await edgesOf(mine)).map(({ caller, callee, calls }) => ({ caller, callee, calls }))).toEqual(expected);

    const graph = new ServiceDependencyGraph(edges);
    expect(graph.dependsOn(gateway, ledger)).toBe(true);
    expect(graph.distance(search, gateway, 6)).toBeNull();
  }, 120000);

  it('stores no call for a caller that never arrives, and goes on linking', async () => {
    const id = randomBytes(3).toString('hex');
    const [gateway, payments, ledger, checkout] = ['gateway', 'payments', 'ledger', 'checkout'].map((s) => `${s}-${id}`) as [string, string, string, string];
    const traced = new TracedServices();
    const now = Date.now();
    for (let i = 0; i < 3; i++) traced.request({ service: gateway, calls: [{ service: payments, calls: [{ service: ledger }] }] }, now - i * 1000);
    // The gateway's spans are never exported; payments' and ledger's are.
    await exportAndWait(traced, ledger, 3 * 2);
    await exportAndWait(traced, payments, 3 * 3);
    await expectEventually(async () => expect((await edgesOf([gateway, payments, ledger])).map(({ caller, callee, calls }) => ({ caller, callee, calls }))).toEqual([{ caller: payments, callee: ledger, calls: 3 }]));

    // Still healthy and still linking: a later call into the same payments service is learnt.
    traced.request({ service: checkout, calls: [{ service: payments }] }, Date.now());
    await exportAndWait(traced, payments, 3 * 3 + 2);
    await exportAndWait(traced, checkout, 3);
    await expectEventually(async () =>
      expect((await edgesOf([gateway, payments, ledger, checkout])).map(({ caller, callee, calls }) => ({ caller, callee, calls }))).toEqual([
        { caller: checkout, callee: payments, calls: 1 },
        { caller: payments, callee: ledger, calls: 3 },
      ]),
    );
    expect((await getJson(`${platform.url}/readyz`)).status).toBe(200);
  }, 120000);
});
