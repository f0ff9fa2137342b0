import type { OtlpEncoding } from '@vigil/contracts';
import { editJson } from './fixtures/sdk-logs.fixture';
import {
  sdkLogsPayloads,
  sdkMetricsPayloads,
  sdkTracesPayloads,
  SPAN_ID,
  TRACE_ID,
  type SignalPayloads,
} from './fixtures/sdk-signals.fixture';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  OtlpDecodeError,
  parseOtlpExportRequest,
  type OtlpDecodeErrorCode,
  type OtlpSignal,
} from './index';

const SIGNALS: OtlpSignal[] = ['logs', 'metrics', 'traces'];
const DECODERS: Record<OtlpSignal, (payload: Uint8Array, encoding: OtlpEncoding) => unknown[]> = {
  logs: decodeLogsRequest,
  metrics: decodeMetricsRequest,
  traces: decodeTracesRequest,
};

const payloads = {} as Record<OtlpSignal, SignalPayloads>;

beforeAll(async () => {
  payloads.logs = await sdkLogsPayloads();
  payloads.metrics = await sdkMetricsPayloads();
  payloads.traces = await sdkTracesPayloads();
});

function parseError(run: () => unknown): OtlpDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('expected an OtlpDecodeError');
}

function jsonOf(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

describe.each(SIGNALS)('parseOtlpExportRequest(%s) of SDK-serialized requests', (signal) => {
  const decode = (payload: Uint8Array, encoding: OtlpEncoding) => DECODERS[signal](payload, encoding);

  it('re-encodes OTLP/JSON as protobuf that decodes to what the SDK protobuf decodes to', () => {
    const parsed = parseOtlpExportRequest(signal, payloads[signal].otlp_json, 'otlp_json');
    const expected = decode(payloads[signal].otlp_proto, 'otlp_proto');
    expect(expected.length).toBeGreaterThan(1);
    expect(parsed).toMatchObject({ signal, itemCount: expected.length });
    expect(decode(parsed.toProto(), 'otlp_proto')).toStrictEqual(expected);
  });

  it('hands protobuf input back as the very same bytes', () => {
    const parsed = parseOtlpExportRequest(signal, payloads[signal].otlp_proto, 'otlp_proto');
    expect(parsed.toProto()).toBe(payloads[signal].otlp_proto);
    expect(parsed.itemCount).toBe(decode(payloads[signal].otlp_proto, 'otlp_proto').length);
  });

  it('round-trips protobuf → toJson() → parse(otlp_json) → toProto()', () => {
    const fromProto = parseOtlpExportRequest(signal, payloads[signal].otlp_proto, 'otlp_proto');
    const json = fromProto.toJson();
    const reparsed = parseOtlpExportRequest(signal, json, 'otlp_json');
    const expected = decode(payloads[signal].otlp_proto, 'otlp_proto');
    expect(decode(json, 'otlp_json')).toStrictEqual(expected);
    expect(decode(reparsed.toProto(), 'otlp_proto')).toStrictEqual(expected);
    // Nothing is lost either way: the JSON of the re-encoded request is the same JSON.
    expect(jsonOf(reparsed.toJson())).toStrictEqual(jsonOf(json));
  });

  it('gives the same OTLP/JSON for the SDK JSON and the SDK protobuf of one request', () => {
    const fromJson = parseOtlpExportRequest(signal, payloads[signal].otlp_json, 'otlp_json').toJson();
    const fromProto = parseOtlpExportRequest(signal, payloads[signal].otlp_proto, 'otlp_proto').toJson();
    expect(jsonOf(fromJson)).toStrictEqual(jsonOf(fromProto));
  });
});

describe('parseOtlpExportRequest toJson() follows the OTLP/JSON rules', () => {
  it('writes hex ids, decimal-string 64-bit integers, base64 bytes and integer enums', () => {
    const logs = jsonOf(parseOtlpExportRequest('logs', payloads.logs.otlp_proto, 'otlp_proto').toJson());
    const record = (logs as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] })
      .resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    expect(record).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      timeUnixNano: '1700000000000000001',
      severityNumber: 13,
      eventName: 'disk.pressure',
      flags: 1,
    });
    const attributes = record?.['attributes'] as { key: string; value: unknown }[];
    expect(attributes.find((kv) => kv.key === 'big')?.value).toStrictEqual({ intValue: '1152921504606846976' });
    const body = record?.['body'] as { kvlistValue: { values: { key: string; value: unknown }[] } };
    expect(body.kvlistValue.values.find((kv) => kv.key === 'raw')?.value).toStrictEqual({ bytesValue: 'AQI=' });

    const traces = jsonOf(parseOtlpExportRequest('traces', payloads.traces.otlp_proto, 'otlp_proto').toJson());
    const spans = (traces as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] })
      .resourceSpans[0]?.scopeSpans[0]?.spans;
    expect(spans?.[0]).toMatchObject({ kind: 2, status: { code: 2, message: 'card declined' } });
    expect(spans?.[1]?.['traceId']).toMatch(/^[0-9a-f]{32}$/);
    expect((spans?.[1]?.['links'] as Record<string, unknown>[])[0]?.['spanId']).toBe(spans?.[0]?.['spanId']);
    expect(spans?.[1]?.['parentSpanId']).toBe(spans?.[0]?.['spanId']);
  });

  it('writes the proto3 JSON spellings of non-finite doubles', () => {
    const payload = editJson(payloads.metrics.otlp_json, (request) => {
      const text = JSON.stringify(request).replace('"asDouble":71.5', '"asDouble":"NaN"');
      Object.assign(request, JSON.parse(text));
    });
    const json = Buffer.from(parseOtlpExportRequest('metrics', payload, 'otlp_json').toJson()).toString('utf8');
    expect(json).toContain('"asDouble":"NaN"');
    const gauge = decodeMetricsRequest(payload, 'otlp_json').find((point) => point.name === 'cpu.temp');
    expect(gauge).toMatchObject({ type: 'gauge', value: Number.NaN });
  });
});

describe('parseOtlpExportRequest keeps what the contracts drop', () => {
  // Canonical OTLP/JSON (no defaults, strings for 64-bit) using fields the SDK never writes.
  const resource = {
    attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }],
    droppedAttributesCount: 2,
    entityRefs: [{ schemaUrl: 'https://e', type: 'service', idKeys: ['service.name'], descriptionKeys: ['d'] }],
  };
  const scope = {
    name: 's',
    version: '1',
    attributes: [{ key: 'a', value: { boolValue: false } }],
    droppedAttributesCount: 1,
  };
  const requests: Record<OtlpSignal, unknown> = {
    traces: {
      resourceSpans: [
        {
          resource,
          schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
          scopeSpans: [
            {
              scope,
              schemaUrl: 'https://s',
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  name: 'x',
                  droppedAttributesCount: 3,
                  droppedEventsCount: 4,
                  droppedLinksCount: 5,
                  events: [{ name: 'e', droppedAttributesCount: 6 }],
                  links: [
                    { traceId: TRACE_ID, spanId: SPAN_ID, traceState: 'k=v', flags: 769, droppedAttributesCount: 7 },
                  ],
                  status: { message: 'm' },
                },
              ],
            },
          ],
        },
      ],
    },
    metrics: {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope,
              metrics: [
                {
                  name: 'g',
                  metadata: [{ key: 'm', value: { intValue: '-5' } }],
                  gauge: { dataPoints: [{ asDouble: 0, flags: 1, exemplars: [{ asInt: '0', timeUnixNano: '5' }] }] },
                },
                {
                  name: 'e',
                  exponentialHistogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        count: '3',
                        sum: 0,
                        scale: -2,
                        zeroThreshold: 0.001,
                        positive: { offset: -3, bucketCounts: ['0', '3'] },
                        negative: {},
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    },
    logs: {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            { scope, logRecords: [{ droppedAttributesCount: 9, body: { stringValue: '' }, eventName: 'e' }] },
          ],
        },
      ],
    },
  };

  it.each(SIGNALS)('%s: JSON → protobuf → JSON is the identity on canonical OTLP/JSON', (signal) => {
    const parsed = parseOtlpExportRequest(signal, Buffer.from(JSON.stringify(requests[signal])), 'otlp_json');
    const back = parseOtlpExportRequest(signal, parsed.toProto(), 'otlp_proto');
    expect(jsonOf(back.toJson())).toStrictEqual(requests[signal]);
    expect(jsonOf(parsed.toJson())).toStrictEqual(requests[signal]);
  });
});

describe('parseOtlpExportRequest rejects what the decoders reject', () => {
  const cases: [string, () => unknown, OtlpDecodeErrorCode, RegExp][] = [
    [
      'truncated protobuf',
      () => parseOtlpExportRequest('traces', payloads.traces.otlp_proto.subarray(0, 20), 'otlp_proto'),
      'malformed_protobuf',
      /^payload is not a valid protobuf ExportTraceServiceRequest: /,
    ],
    [
      'text that is not JSON',
      () => parseOtlpExportRequest('metrics', Buffer.from('{"resourceMetrics":'), 'otlp_json'),
      'malformed_json',
      /^payload is not valid JSON: /,
    ],
    [
      'a JSON span with a base64 trace id',
      () =>
        parseOtlpExportRequest(
          'traces',
          Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"S/kvNXezTaajzpKdDg5HNg=="}]}]}]}'),
          'otlp_json',
        ),
      'invalid_otlp',
      /^not an OTLP\/JSON traces request: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected a 16-byte/,
    ],
    [
      'a span without ids (valid protobuf and JSON, but not a span)',
      () =>
        parseOtlpExportRequest('traces', Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]}'), 'otlp_json'),
      'invalid_otlp',
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected a non-zero 16-byte id$/,
    ],
    [
      'a body over maxBytes',
      () => parseOtlpExportRequest('logs', payloads.logs.otlp_proto, 'otlp_proto', { maxBytes: 10 }),
      'oversized',
      /over the 10-byte limit/,
    ],
  ];

  it.each(cases)('%s', (_, run, code, message) => {
    const error = parseError(run);
    expect(error).toMatchObject({ code, retriable: false });
    expect(error.message).toMatch(message);
  });

  it('invalid_otlp: JSON AnyValues nested deeper than protobuf can carry', () => {
    let body = '{"stringValue":"bottom"}';
    for (let depth = 0; depth < 60; depth++) body = `{"arrayValue":{"values":[${body}]}}`;
    const payload = Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${body}}]}]}]}`);
    // The consumer can decode it from JSON, but protobuf (ours and the Collector's) could not.
    expect(decodeLogsRequest(payload, 'otlp_json')).toHaveLength(1);
    const error = parseError(() => parseOtlpExportRequest('logs', payload, 'otlp_json'));
    expect(error).toMatchObject({ code: 'invalid_otlp' });
    expect(error.message).toBe('OTLP/JSON logs request cannot be encoded as protobuf: max depth exceeded');
  });

  it('throws a TypeError for an unknown signal or encoding: configuration, not a bad request', () => {
    expect(() => parseOtlpExportRequest('profiles' as OtlpSignal, payloads.logs.otlp_proto, 'otlp_proto')).toThrow(
      TypeError,
    );
    expect(() => parseOtlpExportRequest('logs', payloads.logs.otlp_proto, 'otlp_avro' as OtlpEncoding)).toThrow(
      TypeError,
    );
  });
});
