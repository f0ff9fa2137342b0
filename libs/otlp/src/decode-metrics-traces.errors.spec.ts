import type { OtlpEncoding } from '@vigil/contracts';
import { sdkMetricsPayloads, sdkTracesPayloads, type SignalPayloads } from './fixtures/sdk-signals.fixture';
import { opentelemetry } from './generated/otlp';
import { decodeMetricsRequest, decodeTracesRequest, OtlpDecodeError, type OtlpDecodeErrorCode } from './index';

const { ExportMetricsServiceRequest } = opentelemetry.proto.collector.metrics.v1;
const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;
type RawMetrics = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
type RawTraces = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
type RawHistogram = opentelemetry.proto.metrics.v1.Histogram;

const METRIC = 'resourceMetrics[0].scopeMetrics[0].metrics[0]';
const SPAN = 'resourceSpans[0].scopeSpans[0].spans[0]';

let metrics: SignalPayloads;
let traces: SignalPayloads;

beforeAll(async () => {
  metrics = await sdkMetricsPayloads();
  traces = await sdkTracesPayloads();
});

type Decode = (payload: Uint8Array, encoding: OtlpEncoding, options?: { maxBytes?: number }) => unknown;
type Case = [string, () => Uint8Array, OtlpEncoding, OtlpDecodeErrorCode, string | RegExp];

function expectRejected(decode: Decode, [, payload, encoding, code, message]: Case): void {
  const error = decodeError(decode, payload(), encoding);
  expect(error).toMatchObject({ name: 'OtlpDecodeError', code, retriable: false });
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

function decodeError(decode: Decode, payload: Uint8Array, encoding: OtlpEncoding): OtlpDecodeError {
  try {
    decode(payload, encoding);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected, but it decoded');
}

/** A JSON request with one metric, so paths are predictable. */
function metricJson(metric: unknown): Uint8Array {
  return Buffer.from(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] }));
}

function spanJson(span: Record<string, unknown>): Uint8Array {
  const valid = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 's' };
  return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...valid, ...span }] }] }] }));
}

/** SDK protobuf, decoded, edited as generated messages and re-encoded: values the SDK never writes. */
function editMetricsProto(edit: (request: RawMetrics) => void): Uint8Array {
  const request = ExportMetricsServiceRequest.decode(metrics.otlp_proto);
  edit(request);
  return ExportMetricsServiceRequest.encode(request).finish();
}

type RawSpan = RawTraces['resourceSpans'][number]['scopeSpans'][number]['spans'][number];

function editTracesProto(edit: (span: RawSpan) => void): Uint8Array {
  const request = ExportTraceServiceRequest.decode(traces.otlp_proto);
  const span = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  if (!span) throw new Error('SDK request has no span');
  edit(span);
  return ExportTraceServiceRequest.encode(request).finish();
}

/** Leaves only the SDK's explicit-bucket histogram metric in the request, so it is metrics[0]. */
function onlyHistogram(request: RawMetrics): RawHistogram {
  const scopeMetrics = request.resourceMetrics[0]?.scopeMetrics[0];
  const metric = scopeMetrics?.metrics.find((m) => m.histogram);
  if (!scopeMetrics || !metric?.histogram) throw new Error('SDK request has no histogram');
  scopeMetrics.metrics = [metric];
  return metric.histogram;
}

const METRICS_CASES: Case[] = [
  [
    'truncated protobuf',
    () => metrics.otlp_proto.subarray(0, 30),
    'otlp_proto',
    'malformed_protobuf',
    /^payload is not a valid protobuf ExportMetricsServiceRequest: /,
  ],
  [
    'not JSON',
    () => Buffer.from('{"resourceMetrics":['),
    'otlp_json',
    'malformed_json',
    /^payload is not valid JSON: /,
  ],
  [
    'a temporality outside the enum (protobuf)',
    () => editMetricsProto((request) => Object.assign(onlyHistogram(request), { aggregationTemporality: 7 })),
    'otlp_proto',
    'invalid_otlp',
    `${METRIC}.histogram.aggregationTemporality: expected 0-2, got 7`,
  ],
  [
    'a temporality outside the enum (JSON)',
    () => metricJson({ name: 'm', sum: { aggregationTemporality: 7 } }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON metrics request: ${METRIC}.sum.aggregationTemporality: ` +
      'expected an AggregationTemporality (0-2), got 7',
  ],
  [
    'an exemplar span id of the wrong length (protobuf)',
    () =>
      editMetricsProto((request) => {
        const point = onlyHistogram(request).dataPoints[0];
        point?.exemplars.push(new opentelemetry.proto.metrics.v1.Exemplar({ spanId: Uint8Array.from([1, 2, 3]) }));
      }),
    'otlp_proto',
    'invalid_otlp',
    `${METRIC}.histogram.dataPoints[0].exemplars[0].spanId: expected 8 bytes, got 3`,
  ],
  [
    'an exemplar trace id that is not hex (JSON)',
    () => metricJson({ name: 'm', gauge: { dataPoints: [{ asDouble: 1, exemplars: [{ traceId: 'xyz' }] }] } }),
    'otlp_json',
    'invalid_otlp',
    /gauge\.dataPoints\[0\]\.exemplars\[0\]\.traceId: expected a 16-byte id as 32 hex characters \(or ""\), got "xyz"$/,
  ],
  [
    'a point with both asDouble and asInt',
    () => metricJson({ name: 'm', gauge: { dataPoints: [{ asDouble: 1, asInt: '1' }] } }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON metrics request: ${METRIC}.gauge.dataPoints[0]: ` +
      'a value sets at most one of asDouble and asInt, got both',
  ],
  [
    'a metric with two data members',
    () => metricJson({ name: 'm', gauge: {}, sum: {} }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON metrics request: ${METRIC}: a metric has at most one data member, got gauge and sum`,
  ],
  [
    'a null bucket count',
    () => metricJson({ name: 'm', histogram: { dataPoints: [{ bucketCounts: ['1', null] }] } }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON metrics request: ${METRIC}.histogram.dataPoints[0].bucketCounts[1]: expected a value, got null`,
  ],
  [
    'a negative count',
    () => metricJson({ name: 'm', histogram: { dataPoints: [{ count: -1 }] } }),
    'otlp_json',
    'invalid_otlp',
    /histogram\.dataPoints\[0\]\.count: expected an unsigned 64-bit integer as a decimal string or number, got -1$/,
  ],
  [
    'a metric without a name',
    () => metricJson({ gauge: { dataPoints: [{ asDouble: 1 }] } }),
    'otlp_json',
    'invalid_otlp',
    `${METRIC}.name: expected a non-empty metric name`,
  ],
  [
    'a summary quantile above 1',
    () => metricJson({ name: 'm', summary: { dataPoints: [{ quantileValues: [{ quantile: 1.5, value: 3 }] }] } }),
    'otlp_json',
    'invalid_otlp',
    `${METRIC}.summary.dataPoints[0].quantileValues[0].quantile: expected 0-1, got 1.5`,
  ],
  [
    'dataPoints that is not an array',
    () => metricJson({ name: 'm', gauge: { dataPoints: {} } }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON metrics request: ${METRIC}.gauge.dataPoints: Invalid input: expected array, received object`,
  ],
];

const TRACES_CASES: Case[] = [
  [
    'truncated protobuf',
    () => traces.otlp_proto.subarray(0, 40),
    'otlp_proto',
    'malformed_protobuf',
    /^payload is not a valid protobuf ExportTraceServiceRequest: /,
  ],
  [
    'a span kind outside the enum (protobuf)',
    () => editTracesProto((span) => Object.assign(span, { kind: 9 })),
    'otlp_proto',
    'invalid_otlp',
    `${SPAN}.kind: expected 0-5, got 9`,
  ],
  [
    'a span kind outside the enum (JSON)',
    () => spanJson({ kind: 9 }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON traces request: ${SPAN}.kind: expected a span kind (0-5), got 9`,
  ],
  [
    'a status code outside the enum (protobuf)',
    () => editTracesProto((span) => Object.assign(span.status ?? {}, { code: 5 })),
    'otlp_proto',
    'invalid_otlp',
    `${SPAN}.status.code: expected 0-2, got 5`,
  ],
  [
    'an all-zero trace id',
    () => spanJson({ traceId: '0'.repeat(32) }),
    'otlp_json',
    'invalid_otlp',
    `${SPAN}.traceId: expected a non-zero 16-byte id`,
  ],
  [
    'a missing span id (protobuf)',
    () => editTracesProto((span) => Object.assign(span, { spanId: new Uint8Array(0) })),
    'otlp_proto',
    'invalid_otlp',
    `${SPAN}.spanId: expected a non-zero 8-byte id`,
  ],
  [
    'a parent span id of the wrong length (protobuf)',
    () => editTracesProto((span) => Object.assign(span, { parentSpanId: Uint8Array.from([1, 2, 3, 4]) })),
    'otlp_proto',
    'invalid_otlp',
    `${SPAN}.parentSpanId: expected 8 bytes, got 4`,
  ],
  [
    'a link trace id of the wrong length (JSON)',
    () => spanJson({ links: [{ traceId: 'abcd', spanId: '00f067aa0ba902b7' }] }),
    'otlp_json',
    'invalid_otlp',
    /spans\[0\]\.links\[0\]\.traceId: expected a 16-byte id as 32 hex characters \(or ""\), got "abcd"$/,
  ],
  [
    'a time that is not an integer (JSON)',
    () => spanJson({ startTimeUnixNano: '2024-01-01T00:00:00Z' }),
    'otlp_json',
    'invalid_otlp',
    /spans\[0\]\.startTimeUnixNano: expected an unsigned 64-bit integer/,
  ],
  [
    'events that is a string (JSON)',
    () => spanJson({ events: 'none' }),
    'otlp_json',
    'invalid_otlp',
    `not an OTLP/JSON traces request: ${SPAN}.events: Invalid input: expected array, received string`,
  ],
];

describe('decodeMetricsRequest rejects poison messages with precise errors', () => {
  it.each(METRICS_CASES)('%s', (...testCase) => expectRejected(decodeMetricsRequest, testCase));

  it('oversized: before decoding', () => {
    const error = decodeError((p, e) => decodeMetricsRequest(p, e, { maxBytes: 16 }), metrics.otlp_json, 'otlp_json');
    expect(error).toMatchObject({ code: 'oversized' });
  });
});

describe('decodeTracesRequest rejects poison messages with precise errors', () => {
  it.each(TRACES_CASES)('%s', (...testCase) => expectRejected(decodeTracesRequest, testCase));

  it('oversized: before decoding', () => {
    const error = decodeError((p, e) => decodeTracesRequest(p, e, { maxBytes: 16 }), traces.otlp_proto, 'otlp_proto');
    expect(error).toMatchObject({ code: 'oversized' });
  });

  it('the unedited SDK requests decode (so each case above fails for its own reason)', () => {
    expect(decodeTracesRequest(traces.otlp_proto, 'otlp_proto')).toHaveLength(2);
    expect(decodeMetricsRequest(metrics.otlp_proto, 'otlp_proto').length).toBeGreaterThan(0);
    expect(decodeTracesRequest(spanJson({}), 'otlp_json')).toHaveLength(1);
  });
});
