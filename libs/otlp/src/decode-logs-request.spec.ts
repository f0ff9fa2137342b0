import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { normalizedLogRecordSchema, type NormalizedLogRecord, type OtlpEncoding } from '@vigil/contracts';
import { editJson, emitLogRecords, serializeLogs, spanContext, withOverrides } from './fixtures/sdk-logs.fixture';
import { decodeLogsRequest } from './index';

const ENCODINGS: OtlpEncoding[] = ['otlp_proto', 'otlp_json'];
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

let sdkRecords: ReadableLogRecord[];
const decoded: Record<OtlpEncoding, NormalizedLogRecord[]> = { otlp_proto: [], otlp_json: [] };

beforeAll(async () => {
  sdkRecords = await emitLogRecords([
    {
      resource: { 'service.name': 'checkout', 'deployment.environment.name': 'prod', 'host.cpu.count': 8 },
      scopes: [
        {
          scope: { name: 'checkout.http', version: '1.4.2' },
          logs: [
            {
              timestamp: [1_700_000_000, 123_456_789],
              observedTimestamp: [1_700_000_001, 987_654_321],
              severityNumber: SeverityNumber.ERROR,
              severityText: 'ERROR',
              body: 'payment failed',
              attributes: {
                'http.response.status_code': 502,
                retry: true,
                ratio: 0.25,
                tags: ['a', 1, false],
                nested: { inner: { deep: 'x' }, list: [{ k: 'v' }] },
                raw: Uint8Array.from([0, 1, 2, 250, 255]),
                big: 2 ** 60,
                negbig: -(2 ** 60),
                'int64.min': -(2 ** 63),
                neg: -42,
                empty: null,
              },
              context: spanContext(TRACE_ID, SPAN_ID),
              eventName: 'checkout.payment_failed',
            },
            {
              timestamp: [1_700_000_002, 5],
              observedTimestamp: [1_700_000_002, 6],
              severityNumber: SeverityNumber.INFO,
              severityText: 'INFO',
              body: {
                order: { id: 'o-1', items: [1, 2.5, 'three', [true]], blob: Uint8Array.from([222, 173, 190, 239]) },
                count: 2 ** 53 + 2,
              },
            },
            { timestamp: [1_700_000_002, 7], body: Uint8Array.from([1, 2, 3]) },
            { timestamp: [1_700_000_002, 8], body: 2 ** 62 },
            { timestamp: [1_700_000_002, 9], body: 3.5 },
            { timestamp: [1_700_000_002, 10], body: false },
            { timestamp: [1_700_000_002, 11], body: ['x', 2] },
            { timestamp: [1_700_000_002, 12], body: '' },
            { timestamp: [1_700_000_002, 13] },
          ],
        },
        { scope: { name: 'checkout.db' }, logs: [{ timestamp: [1_700_000_004, 0], body: 'slow query' }] },
      ],
    },
    {
      resource: { 'service.name': 'inventory' },
      scopes: [
        { scope: { name: 'inv', version: '2.0.0' }, logs: [{ timestamp: [0, 0], observedTimestamp: [1_700_000_003, 42] }] },
      ],
    },
    {
      resource: { 'host.name': 'batch-7' },
      scopes: [{ scope: { name: 'cron' }, logs: [{ timestamp: [0, 0], observedTimestamp: [0, 0], body: 'tick' }] }],
    },
  ]);
  for (const encoding of ENCODINGS) {
    decoded[encoding] = decodeLogsRequest(serializeLogs(sdkRecords, encoding), encoding);
  }
});

describe.each(ENCODINGS)('decodeLogsRequest(%s) of SDK-serialized logs', (encoding) => {
  it('round-trips every field of a fully populated record', () => {
    expect(decoded[encoding][0]).toStrictEqual({
      service: 'checkout',
      resource: { 'service.name': 'checkout', 'deployment.environment.name': 'prod', 'host.cpu.count': 8 },
      scope: { name: 'checkout.http', version: '1.4.2' },
      timeUnixNano: '1700000000123456789',
      observedTimeUnixNano: '1700000001987654321',
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'payment failed',
      attributes: {
        'http.response.status_code': 502,
        retry: true,
        ratio: 0.25,
        tags: ['a', 1, false],
        nested: { inner: { deep: 'x' }, list: [{ k: 'v' }] },
        raw: 'AAEC+v8=',
        big: '1152921504606846976',
        negbig: '-1152921504606846976',
        'int64.min': '-9223372036854775808',
        neg: -42,
        empty: null,
      },
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      flags: 1,
      eventName: 'checkout.payment_failed',
    });
  });

  it('maps a nested kvlist body with arrays, bytes and an int64 beyond 2^53', () => {
    const record = decoded[encoding][1];
    expect(record).toMatchObject({
      severityNumber: 9,
      severityText: 'INFO',
      traceId: null,
      spanId: null,
      flags: 0,
      eventName: '',
    });
    expect(record?.body).toStrictEqual({
      order: { id: 'o-1', items: [1, 2.5, 'three', [true]], blob: '3q2+7w==' },
      count: '9007199254740994',
    });
    expect(record?.attributes).toStrictEqual({});
  });

  it('maps every other AnyValue kind as a body; an absent body is null', () => {
    expect(decoded[encoding].slice(2, 9).map((record) => record.body)).toStrictEqual([
      'AQID',
      '4611686018427387904',
      3.5,
      false,
      ['x', 2],
      '',
      null,
    ]);
  });

  it('flattens resources and scopes in request order, with unknown_service when service.name is missing', () => {
    expect(decoded[encoding].map((r) => `${r.service} ${r.scope.name}@${r.scope.version}`)).toStrictEqual([
      ...Array<string>(9).fill('checkout checkout.http@1.4.2'),
      'checkout checkout.db@',
      'inventory inv@2.0.0',
      'unknown_service cron@',
    ]);
    expect(decoded[encoding][11]?.resource).toStrictEqual({ 'host.name': 'batch-7' });
  });

  it('falls back to the observed time when the event time is 0, and keeps "0" when both are', () => {
    expect(decoded[encoding][10]).toMatchObject({
      timeUnixNano: '1700000003000000042',
      observedTimeUnixNano: '1700000003000000042',
    });
    expect(decoded[encoding][11]).toMatchObject({ timeUnixNano: '0', observedTimeUnixNano: '0' });
  });

  it('maps all-zero trace and span ids to null', () => {
    const zeroIds = withOverrides(sdkRecords[0] as ReadableLogRecord, {
      spanContext: { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 },
    });
    const [record] = decodeLogsRequest(serializeLogs([zeroIds], encoding), encoding);
    expect(record).toMatchObject({ traceId: null, spanId: null, flags: 0 });
  });

  it('produces records that satisfy the contracts schema', () => {
    for (const record of decoded[encoding]) expect(normalizedLogRecordSchema.parse(record)).toStrictEqual(record);
  });
});

describe('decodeLogsRequest across encodings', () => {
  it('gives identical records for the protobuf and the JSON serialization of the same logs', () => {
    expect(decoded.otlp_json).toHaveLength(12);
    expect(decoded.otlp_json).toStrictEqual(decoded.otlp_proto);
  });

  it('decodes an empty export request to no records', () => {
    for (const encoding of ENCODINGS) expect(decodeLogsRequest(serializeLogs([], encoding), encoding)).toEqual([]);
  });
});

describe('decodeLogsRequest(otlp_json) beyond what the JS SDK writes', () => {
  type Json = Record<string, never> & { [key: string]: Json };
  const firstRecord = (request: Record<string, unknown>): Json =>
    (request as unknown as Json)['resourceLogs']['0']['scopeLogs']['0']['logRecords']['0'];
  const attribute = (record: Json, key: string): Json =>
    (Object.values(record['attributes']) as Json[]).find((kv) => (kv['key'] as unknown) === key) as Json;

  it('accepts 64-bit integers as strings (the Collector form), exactly beyond 2^53', () => {
    const payload = editJson(serializeLogs(sdkRecords.slice(0, 1), 'otlp_json'), (request) => {
      const record = firstRecord(request);
      Object.assign(attribute(record, 'big')['value'], { intValue: '9007199254740993' });
      Object.assign(attribute(record, 'neg')['value'], { intValue: '-42' });
      Object.assign(record, { timeUnixNano: 1_700_000_000_000_000_000, observedTimeUnixNano: '1700000001987654321' });
    });
    const [record] = decodeLogsRequest(payload, 'otlp_json');
    expect(record?.attributes).toMatchObject({ big: '9007199254740993', neg: -42 });
    expect(record).toMatchObject({ timeUnixNano: '1700000000000000000', observedTimeUnixNano: '1700000001987654321' });
  });

  it('accepts enum names and uppercase hex ids, and ignores unknown fields', () => {
    const payload = editJson(serializeLogs(sdkRecords.slice(0, 1), 'otlp_json'), (request) => {
      Object.assign(firstRecord(request), {
        severityNumber: 'SEVERITY_NUMBER_WARN',
        traceId: TRACE_ID.toUpperCase(),
        someFutureField: { nested: [1, 2, 3] },
      });
      Object.assign(request, { anotherFutureField: true });
    });
    expect(decodeLogsRequest(payload, 'otlp_json')[0]).toMatchObject({ severityNumber: 13, traceId: TRACE_ID });
  });

  it('keeps an attribute named __proto__ as data without touching the prototype', () => {
    const payload = editJson(serializeLogs(sdkRecords.slice(0, 1), 'otlp_json'), (request) => {
      const record = firstRecord(request) as unknown as { attributes: unknown[] };
      const polluting = { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } };
      record.attributes.push({ key: '__proto__', value: polluting });
    });
    const attributes = decodeLogsRequest(payload, 'otlp_json')[0]?.attributes ?? {};
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toStrictEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
