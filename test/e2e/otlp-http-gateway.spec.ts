import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startApi, type ApiServer, type OtlpGatewayOptions } from '@vigil/api';
import { InProcessBus, type BusMessage, type MessageBus, type OutgoingMessage } from '@vigil/bus';
import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from '@vigil/otlp';
import { createPgliteDatabase, type Database } from '@vigil/store';
import { expectEventually, otlpLogsRequest } from '@vigil/testing';
import { pino } from 'pino';
import * as protobuf from 'protobufjs';

const TOPICS = { logs: 'otlp_logs', metrics: 'otlp_metrics', traces: 'otlp_spans' } as const;
const MAX_BYTES = 256 * 1024;
const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** The exporters' CompressionAlgorithm enum, without depending on the package that declares it. */
type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoLogExporter>[0]>['compression']>;

/** An InProcessBus whose publish can be made to fail or to hang until released. */
class ControllableBus implements MessageBus {
  readonly kind = 'in-process' as const;
  readonly inner = new InProcessBus(1);
  readonly namespace = this.inner.namespace;
  readonly received: BusMessage[] = [];
  mode: 'pass' | 'reject' | 'hang' = 'pass';
  publishCalls = 0;
  private readonly held: (() => void)[] = [];

  async start(): Promise<void> {
    await this.inner.subscribe({ groupId: 'gateway-spec', topics: Object.values(TOPICS), handler: async (batch) => void this.received.push(...batch) });
  }
  ensureTopics: MessageBus['ensureTopics'] = (topics) => this.inner.ensureTopics(topics);
  subscribe: MessageBus['subscribe'] = (options) => this.inner.subscribe(options);
  shutdown: MessageBus['shutdown'] = () => this.inner.shutdown();
  heldCount = (): number => this.held.length;
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.publishCalls++;
    if (this.mode === 'reject') return Promise.reject(new Error('broker unreachable'));
    if (this.mode === 'hang') return new Promise((resolve, reject) => this.held.push(() => this.inner.publish(topic, messages).then(resolve, reject)));
    return this.inner.publish(topic, messages);
  }
  release(): void {
    this.held.splice(0).forEach((go) => go());
  }
}

type Gateway = { api: ApiServer; bus: ControllableBus };

let db: Database;
const opened: Gateway[] = [];

async function startGateway(options: Partial<OtlpGatewayOptions> = {}): Promise<Gateway> {
  const bus = new ControllableBus();
  await bus.start();
  const otlpGateway: OtlpGatewayOptions = { bus, topics: TOPICS, topicEncoding: 'otlp_proto', maxBytes: MAX_BYTES, ...options };
  const logger = pino({ level: process.env['VIGIL_TEST_LOG_LEVEL'] ?? 'silent' });
  const ready = { report: async () => ({ ready: true, checks: {} }) };
  const api = await startApi({ db, logger, readiness: ready, otlpGateway }, { host: '127.0.0.1', port: 0 });
  const gateway = { api, bus };
  opened.push(gateway);
  return gateway;
}

type Reply = { status: number; headers: Headers; body: Buffer };

async function post(gateway: Gateway, path: string, body: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<Reply> {
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body, duplex: 'half' };
  const response = await fetch(`${gateway.api.url}${path}`, init);
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

const statusType = protobuf.Root.fromJSON({ nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } } } }).lookupType('Status');

/** The google.rpc.Status of a failure, decoded per its Content-Type, independently of the server's encoder. */
function statusOf(reply: Reply): { code: number; message: string } {
  const type = reply.headers.get('content-type') ?? '';
  if (type.startsWith(PROTO)) return statusType.toObject(statusType.decode(reply.body), { defaults: true }) as { code: number; message: string };
  expect(type).toMatch(/^application\/json/);
  return JSON.parse(reply.body.toString('utf8')) as { code: number; message: string };
}

const logsBody = (service: string, encoding: 'otlp_proto' | 'otlp_json' = 'otlp_proto'): Buffer =>
  otlpLogsRequest([{ service, body: `hello from ${service}` }], encoding);

const landedLogs = (gateway: Gateway, service: string): ReturnType<typeof decodeLogsRequest> =>
  gateway.bus.received.filter((m) => m.topic === TOPICS.logs).flatMap((m) => decodeLogsRequest(m.value, 'otlp_proto')).filter((r) => r.service === service);

/** After any refusal, the next good request must still be accepted and published. */
async function expectGoodRequestSucceeds(gateway: Gateway): Promise<void> {
  const service = `after-${randomBytes(4).toString('hex')}`;
  const reply = await post(gateway, '/v1/logs', logsBody(service), { 'content-type': PROTO });
  expect(reply.status).toBe(200);
  await expectEventually(() => expect(landedLogs(gateway, service)).toHaveLength(1));
}

type ExportResult = { code: number; error?: Error };
const exported = (run: (done: (result: ExportResult) => void) => void): Promise<ExportResult> => new Promise((resolve) => run(resolve));

class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

beforeAll(async () => void (db = await createPgliteDatabase()));
afterAll(async () => {
  for (const g of opened) {
    g.bus.release();
    await g.api.close();
    await g.bus.shutdown();
  }
  await db?.close();
});

describe('OTLP/HTTP gateway: the SDK exporters', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });

  it.each(['json', 'proto', 'gzip'] as const)('exports logs (%s) that land on otlp_logs as sent', async (variant) => {
    const service = `logs-${variant}-${randomBytes(4).toString('hex')}`;
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    const traceId = randomBytes(16).toString('hex');
    provider.getLogger('spec').emit({ body: { event: 'checkout', total: 42 }, severityNumber: 17, severityText: 'ERROR', attributes: { 'order.id': 'o-1' } });
    provider.getLogger('spec').emit({ body: 'second', attributes: { trace: traceId } });
    const url = `${gateway.api.url}/v1/logs`;
    const exporter = variant === 'json' ? new JsonLogExporter({ url }) : new ProtoLogExporter({ url, ...(variant === 'gzip' ? { compression: 'gzip' as Compression } : {}) });
    const result = await exported((done) => exporter.export(memory.getFinishedLogRecords(), done));
    expect(result).toMatchObject({ code: 0 });
    const records = await expectEventually(() => {
      const found = landedLogs(gateway, service);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(records[0]).toMatchObject({ body: { event: 'checkout', total: 42 }, severityNumber: 17, severityText: 'ERROR', attributes: { 'order.id': 'o-1' } });
    expect(records[1]).toMatchObject({ body: 'second', attributes: { trace: traceId } });
    const message = gateway.bus.received.find((m) => decodeLogsRequest(m.value, 'otlp_proto').some((r) => r.service === service));
    expect(message).toMatchObject({ key: null, headers: { 'vigil-source': 'otlp-http', 'vigil-otlp-signal': 'logs' } });
  });

  it.each(['json', 'proto'] as const)('exports spans (%s) that land on otlp_spans as sent', async (variant) => {
    const service = `spans-${variant}-${randomBytes(4).toString('hex')}`;
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('spec');
    const root = tracer.startSpan('parent');
    // No context manager is registered, so the parent is passed explicitly.
    tracer.startSpan('child', { attributes: { 'db.system': 'postgresql' } }, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
    const spans = memory.getFinishedSpans();
    const url = `${gateway.api.url}/v1/traces`;
    const exporter = variant === 'json' ? new JsonTraceExporter({ url }) : new ProtoTraceExporter({ url });
    expect(await exported((done) => exporter.export(spans, done))).toMatchObject({ code: 0 });
    const landed = await expectEventually(() => {
      const found = gateway.bus.received.filter((m) => m.topic === TOPICS.traces).flatMap((m) => decodeTracesRequest(m.value, 'otlp_proto')).filter((s) => s.service === service);
      expect(found).toHaveLength(2);
      return found;
    });
    const byName = new Map(landed.map((s) => [s.name, s]));
    const parent = spans.find((s) => s.name === 'parent');
    expect(byName.get('child')).toMatchObject({ traceId: parent?.spanContext().traceId, parentSpanId: parent?.spanContext().spanId, attributes: { 'db.system': 'postgresql' } });
    expect(byName.get('parent')).toMatchObject({ spanId: parent?.spanContext().spanId, parentSpanId: null });
  });

  it.each(['json', 'proto'] as const)('exports metrics (%s) that land on otlp_metrics as sent', async (variant) => {
    const service = `metrics-${variant}-${randomBytes(4).toString('hex')}`;
    const reader = new CollectingReader();
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': service }), readers: [reader] });
    provider.getMeter('spec').createCounter('orders.placed').add(3, { region: 'eu' });
    provider.getMeter('spec').createGauge('queue.depth').record(17);
    const { resourceMetrics } = await reader.collect();
    const url = `${gateway.api.url}/v1/metrics`;
    const exporter = variant === 'json' ? new JsonMetricExporter({ url }) : new ProtoMetricExporter({ url });
    expect(await exported((done) => exporter.export(resourceMetrics, done))).toMatchObject({ code: 0 });
    const points = await expectEventually(() => {
      const found = gateway.bus.received.filter((m) => m.topic === TOPICS.metrics).flatMap((m) => decodeMetricsRequest(m.value, 'otlp_proto')).filter((p) => p.service === service);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(points.find((p) => p.name === 'orders.placed')).toMatchObject({ type: 'sum', value: 3, monotonic: true, attributes: { region: 'eu' } });
    expect(points.find((p) => p.name === 'queue.depth')).toMatchObject({ type: 'gauge', value: 17 });
  });

  it('republishes in the topic encoding: a protobuf request lands as OTLP/JSON on an otlp_json topic', async () => {
    const jsonTopics = await startGateway({ topicEncoding: 'otlp_json' });
    const reply = await post(jsonTopics, '/v1/logs', logsBody('to-json'), { 'content-type': PROTO });
    expect(reply.status).toBe(200);
    const [message] = await expectEventually(() => {
      expect(jsonTopics.bus.received).toHaveLength(1);
      return jsonTopics.bus.received;
    });
    expect(decodeLogsRequest(message?.value ?? new Uint8Array(0), 'otlp_json')).toMatchObject([{ service: 'to-json', body: 'hello from to-json' }]);
  });

  it('answers success in the request encoding: empty protobuf, {} for JSON, also on /V1/Logs/', async () => {
    const proto = await post(gateway, '/v1/logs', logsBody('enc-proto'), { 'content-type': PROTO });
    expect([proto.status, proto.headers.get('content-type'), proto.body.length]).toEqual([200, PROTO, 0]);
    const json = await post(gateway, '/V1/Logs/', logsBody('enc-json', 'otlp_json'), { 'content-type': `${JSON_TYPE}; charset=utf-8` });
    expect([json.status, json.headers.get('content-type'), json.body.toString()]).toEqual([200, JSON_TYPE, '{}']);
    await expectEventually(() => expect(landedLogs(gateway, 'enc-json')).toHaveLength(1));
  });

  it('accepts an empty request without publishing it', async () => {
    const before = gateway.bus.publishCalls;
    const reply = await post(gateway, '/v1/traces', new Uint8Array(0), { 'content-type': PROTO });
    expect(reply.status).toBe(200);
    expect(gateway.bus.publishCalls).toBe(before);
  });
});

describe('OTLP/HTTP gateway: refusals', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });

  it('accepts a gzip request', async () => {
    const reply = await post(gateway, '/v1/logs', gzipSync(logsBody('gzipped', 'otlp_json')), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    expect(reply.status).toBe(200);
    await expectEventually(() => expect(landedLogs(gateway, 'gzipped')).toHaveLength(1));
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }, /text\/plain.*not supported/],
    ['no Content-Type', {}, /no Content-Type/],
    ['Content-Encoding br', { 'content-type': PROTO, 'content-encoding': 'br' }, /Content-Encoding "br"/],
  ])('answers 415 for %s', async (_case, headers: Record<string, string>, message: RegExp) => {
    const reply = await post(gateway, '/v1/logs', logsBody('refused'), headers);
    expect(reply.status).toBe(415);
    expect(statusOf(reply).message).toMatch(message);
    await expectGoodRequestSucceeds(gateway);
  });

  it('answers 413 for a body over the limit, declared or streamed without a length', async () => {
    const big = randomBytes(MAX_BYTES + 1);
    const declared = await post(gateway, '/v1/logs', big, { 'content-type': PROTO });
    expect(declared.status).toBe(413);
    expect(statusOf(declared).message).toMatch(/over the 262144-byte limit/);
    const chunks = [big.subarray(0, 100_000), big.subarray(100_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const streamed = await post(gateway, '/v1/logs', stream, { 'content-type': PROTO });
    expect(streamed.status).toBe(413);
    await expectGoodRequestSucceeds(gateway);
  });

  it('answers 413 for a gzip bomb, stopping at the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_BYTES);
    const reply = await post(gateway, '/v1/metrics', bomb, { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    expect(reply.status).toBe(413);
    expect(statusOf(reply)).toEqual({ code: 3, message: expect.stringMatching(/decompressed request body is over the 262144-byte limit/) });
    await expectGoodRequestSucceeds(gateway);
  });

  const valid = logsBody('truncated');
  it.each([
    ['malformed protobuf', PROTO, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), /protobuf/i],
    ['truncated protobuf', PROTO, valid.subarray(0, valid.length - 7), /protobuf/i],
    ['invalid JSON', JSON_TYPE, Buffer.from('{"resourceLogs": ['), /JSON/],
    ['wrong-shaped JSON', JSON_TYPE, Buffer.from('{"resourceLogs": {"scopeLogs": 1}}'), /resourceLogs/],
    ['not gzip', JSON_TYPE, Buffer.from('plain'), /not valid gzip/],
  ])('answers 400 with a Status for %s', async (name, type, body, message) => {
    const headers: Record<string, string> = { 'content-type': type, ...(name === 'not gzip' ? { 'content-encoding': 'gzip' } : {}) };
    const reply = await post(gateway, '/v1/logs', body, headers);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe(type);
    const status = statusOf(reply);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(message);
    await expectGoodRequestSucceeds(gateway);
  });
});

describe('OTLP/HTTP gateway: backpressure', () => {
  it('answers 503 with Retry-After while publishing fails, and 200 once it works', async () => {
    const gateway = await startGateway();
    gateway.bus.mode = 'reject';
    const reply = await post(gateway, '/v1/logs', logsBody('lost'), { 'content-type': PROTO });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(statusOf(reply)).toEqual({ code: 14, message: expect.stringMatching(/could not publish to otlp_logs/) });
    gateway.bus.mode = 'pass';
    await expectGoodRequestSucceeds(gateway);
  });

  it('answers 503 when the publish is not confirmed in time, holding the slot until it settles', async () => {
    const gateway = await startGateway({ publishTimeoutMs: 200, maxInFlight: 1 });
    gateway.bus.mode = 'hang';
    const slow = await post(gateway, '/v1/logs', logsBody('slow', 'otlp_json'), { 'content-type': JSON_TYPE });
    expect([slow.status, slow.headers.get('retry-after'), slow.headers.get('content-type')]).toEqual([503, '5', JSON_TYPE]);
    expect(statusOf(slow).message).toMatch(/did not confirm the publish to otlp_logs within 200 ms/);
    expect((await post(gateway, '/v1/logs', logsBody('blocked'), { 'content-type': PROTO })).status).toBe(429);
    gateway.bus.mode = 'pass';
    gateway.bus.release();
    await expectGoodRequestSucceeds(gateway);
  });

  it('frees the slot of a client that disconnects mid-body', async () => {
    const gateway = await startGateway({ maxInFlight: 1 });
    const { hostname, port } = new URL(gateway.api.url);
    const socket = connect(Number(port), hostname);
    socket.write(`POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: ${PROTO}\r\nContent-Length: 1000\r\n\r\n0123456789`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await expectEventually(() => expectGoodRequestSucceeds(gateway));
  });

  it('answers 429 with Retry-After over the in-flight cap, and loses nothing it admitted', async () => {
    const gateway = await startGateway({ maxInFlight: 2 });
    gateway.bus.mode = 'hang';
    const admitted = ['first', 'second'].map((s) => post(gateway, '/v1/logs', logsBody(s), { 'content-type': PROTO }));
    await expectEventually(() => expect(gateway.bus.heldCount()).toBe(2));
    // No 200 before the bus confirmed: both admitted requests are still waiting on it.
    const answeredEarly = await Promise.race([Promise.any(admitted).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))]);
    expect(answeredEarly).toBe(false);
    const over = await post(gateway, '/v1/logs', logsBody('third'), { 'content-type': PROTO });
    expect([over.status, over.headers.get('retry-after')]).toEqual([429, '1']);
    expect(statusOf(over)).toEqual({ code: 8, message: expect.stringMatching(/too many OTLP export requests in flight \(limit 2\)/) });
    gateway.bus.mode = 'pass';
    gateway.bus.release();
    expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200]);
    await expectEventually(() => expect([...landedLogs(gateway, 'first'), ...landedLogs(gateway, 'second')]).toHaveLength(2));
    await expectGoodRequestSucceeds(gateway);
  });
});
