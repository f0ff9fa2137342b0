import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { normalizedSpanSchema, type NormalizedSpan, type OtlpEncoding } from '@vigil/contracts';
import { editJson } from './fixtures/sdk-logs.fixture';
import { emitSpans, serializeSpans } from './fixtures/sdk-traces.fixture';
import { decodeTracesRequest } from './index';

const ENCODINGS: OtlpEncoding[] = ['otlp_proto', 'otlp_json'];
const REMOTE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN_ID = '00f067aa0ba902b7';
const LINKED_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN_ID = 'b7ad6b7169203331';

type Json = Record<string, never> & { [key: string]: Json };

let sdkSpans: ReadableSpan[];
const decoded: Record<OtlpEncoding, NormalizedSpan[]> = { otlp_proto: [], otlp_json: [] };

beforeAll(async () => {
  // A request continued from a remote caller, with a vendor trace state.
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: REMOTE_TRACE_ID,
    spanId: REMOTE_SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc'),
  });
  sdkSpans = await emitSpans([
    {
      resource: { 'service.name': 'checkout', 'k8s.pod.name': 'checkout-7f9' },
      record: (tracer) => {
        const http = tracer('checkout.http', '1.0.0');
        const server = http.startSpan(
          'POST /pay',
          { kind: SpanKind.SERVER, startTime: [1_700_000_000, 0], attributes: { 'http.route': '/pay', retries: 2 } },
          remote,
        );
        server.addEvent('card.validated', { 'card.brand': 'visa' }, [1_700_000_000, 1_000]);
        server.addEvent('exception', { 'exception.message': 'declined' }, [1_700_000_000, 2_000]);
        server.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
        const client = http.startSpan(
          'GET /fraud-score',
          {
            kind: SpanKind.CLIENT,
            startTime: [1_700_000_000, 10_000_000],
            links: [
              {
                context: { traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID, traceFlags: TraceFlags.NONE },
                attributes: { 'link.reason': 'batch' },
              },
            ],
          },
          trace.setSpan(remote, server),
        );
        client.setStatus({ code: SpanStatusCode.OK });
        client.end([1_700_000_000, 60_000_000]);
        server.end([1_700_000_000, 250_000_000]);
        const queue = tracer('checkout.queue');
        queue.startSpan('publish', { kind: SpanKind.PRODUCER, startTime: [1_700_000_001, 0] }).end([1_700_000_001, 5]);
        const consume = queue.startSpan('consume', { kind: SpanKind.CONSUMER, startTime: [1_700_000_001, 10] });
        consume.end([1_700_000_001, 10]);
        queue.startSpan('internal', { startTime: [1_700_000_002, 0] }).end([1_700_000_002, 1]);
      },
    },
  ]);
  for (const encoding of ENCODINGS) {
    decoded[encoding] = decodeTracesRequest(serializeSpans(sdkSpans, encoding), encoding);
  }
});

describe.each(ENCODINGS)('decodeTracesRequest(%s) of SDK-serialized spans', (encoding) => {
  const span = (name: string): NormalizedSpan | undefined => decoded[encoding].find((s) => s.name === name);

  it('maps every field of a server span continuing a remote trace', () => {
    const server = sdkSpans.find((s) => s.name === 'POST /pay');
    expect(span('POST /pay')).toStrictEqual({
      service: 'checkout',
      resource: { 'service.name': 'checkout', 'k8s.pod.name': 'checkout-7f9' },
      scope: { name: 'checkout.http', version: '1.0.0' },
      traceId: REMOTE_TRACE_ID,
      spanId: server?.spanContext().spanId,
      parentSpanId: REMOTE_SPAN_ID,
      traceState: 'vendor=abc',
      name: 'POST /pay',
      kind: 'server',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000250000000',
      durationNs: 250_000_000,
      attributes: { 'http.route': '/pay', retries: 2 },
      status: { code: 'error', message: 'card declined' },
      events: [
        { name: 'card.validated', timeUnixNano: '1700000000000001000', attributes: { 'card.brand': 'visa' } },
        { name: 'exception', timeUnixNano: '1700000000000002000', attributes: { 'exception.message': 'declined' } },
      ],
      links: [],
      // Sampled (0x01) + "has is-remote" (0x100) + "parent is remote" (0x200), as the SDK writes.
      flags: 0x301,
    });
  });

  it('maps a local child: parent, client kind, ok status, links', () => {
    const server = span('POST /pay');
    expect(span('GET /fraud-score')).toMatchObject({
      traceId: REMOTE_TRACE_ID,
      parentSpanId: server?.spanId,
      kind: 'client',
      status: { code: 'ok', message: '' },
      durationNs: 50_000_000,
      links: [
        { traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID, traceState: '', attributes: { 'link.reason': 'batch' } },
      ],
      flags: 0x101,
    });
  });

  it('maps the other kinds; a root span has no parent; unset status', () => {
    expect(decoded[encoding].map((s) => `${s.name}:${s.kind}:${s.status.code}`)).toStrictEqual([
      'GET /fraud-score:client:ok',
      'POST /pay:server:error',
      'publish:producer:unset',
      'consume:consumer:unset',
      'internal:internal:unset',
    ]);
    expect(span('publish')).toMatchObject({
      parentSpanId: null,
      durationNs: 5,
      scope: { name: 'checkout.queue', version: '' },
    });
    expect(span('consume')?.durationNs).toBe(0);
  });

  it('produces spans that satisfy the contracts schema', () => {
    for (const s of decoded[encoding]) expect(normalizedSpanSchema.parse(s)).toStrictEqual(s);
  });
});

describe('decodeTracesRequest across encodings and beyond the SDK', () => {
  it('gives identical spans for the protobuf and the JSON serialization', () => {
    expect(decoded.otlp_json).toHaveLength(5);
    expect(decoded.otlp_json).toStrictEqual(decoded.otlp_proto);
  });

  it('clamps the duration of a span that ends before it starts to 0, and maps kind 0 to unspecified', () => {
    const payload = editJson(serializeSpans(sdkSpans.slice(0, 1), 'otlp_json'), (request) => {
      const span = (request as unknown as Json)['resourceSpans']['0']['scopeSpans']['0']['spans']['0'];
      Object.assign(span, {
        startTimeUnixNano: '1700000000000000100',
        endTimeUnixNano: '1700000000000000000',
        kind: 0,
      });
    });
    expect(decodeTracesRequest(payload, 'otlp_json')[0]).toMatchObject({ durationNs: 0, kind: 'unspecified' });
  });

  it('accepts enum names (kind, status code) in OTLP/JSON', () => {
    const payload = editJson(serializeSpans(sdkSpans.slice(0, 1), 'otlp_json'), (request) => {
      const span = (request as unknown as Json)['resourceSpans']['0']['scopeSpans']['0']['spans']['0'];
      Object.assign(span, { kind: 'SPAN_KIND_PRODUCER', status: { code: 'STATUS_CODE_ERROR', message: 'x' } });
    });
    expect(decodeTracesRequest(payload, 'otlp_json')[0]).toMatchObject({
      kind: 'producer',
      status: { code: 'error', message: 'x' },
    });
  });
});
