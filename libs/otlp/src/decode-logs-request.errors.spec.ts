import { SeverityNumber, type AnyValue } from '@opentelemetry/api-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OtlpEncoding } from '@vigil/contracts';
import { editJson, emitLogRecords, serializeLogs, spanContext, withOverrides } from './fixtures/sdk-logs.fixture';
import { DEFAULT_MAX_BYTES, decodeLogsRequest, OtlpDecodeError, type OtlpDecodeErrorCode } from './index';

const FIRST_RECORD = 'resourceLogs[0].scopeLogs[0].logRecords[0]';

let record: ReadableLogRecord;
let proto: Uint8Array;
let json: Uint8Array;

beforeAll(async () => {
  [record] = (await emitLogRecords([
    {
      resource: { 'service.name': 'checkout' },
      scopes: [
        {
          scope: { name: 'checkout.http', version: '1.0.0' },
          logs: [
            {
              timestamp: [1_700_000_000, 1],
              severityNumber: SeverityNumber.WARN,
              body: { message: 'disk almost full', free: 2 ** 40 },
              attributes: { 'disk.device': '/dev/sda1' },
              context: spanContext('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'),
            },
          ],
        },
      ],
    },
  ])) as [ReadableLogRecord];
  proto = serializeLogs([record], 'otlp_proto');
  json = serializeLogs([record], 'otlp_json');
});

/** Runs the decoder and returns the error it must throw. */
function decodeError(payload: Uint8Array, encoding: OtlpEncoding, maxBytes?: number): OtlpDecodeError {
  try {
    decodeLogsRequest(payload, encoding, maxBytes === undefined ? undefined : { maxBytes });
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error(`expected ${encoding} payload to be rejected, but it decoded`);
}

function expectDecodeError(error: OtlpDecodeError, code: OtlpDecodeErrorCode, message: RegExp): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ name: 'OtlpDecodeError', code, retriable: false });
  expect(error.message).toMatch(message);
}

describe('decodeLogsRequest rejects poison messages with a non-retriable OtlpDecodeError', () => {
  it('malformed_protobuf: a truncated protobuf payload', () => {
    expect(decodeLogsRequest(proto, 'otlp_proto')).toHaveLength(1);
    const error = decodeError(proto.subarray(0, proto.length - 7), 'otlp_proto');
    expectDecodeError(error, 'malformed_protobuf', /not a valid protobuf ExportLogsServiceRequest: index out of range/);
  });

  it('malformed_protobuf: garbage bytes, and JSON sent under the protobuf encoding', () => {
    expectDecodeError(
      decodeError(Buffer.from('hello world'), 'otlp_proto'),
      'malformed_protobuf',
      /invalid wire type 4 at offset 3/,
    );
    expectDecodeError(decodeError(json, 'otlp_proto'), 'malformed_protobuf', /ExportLogsServiceRequest/);
  });

  it('malformed_protobuf: AnyValues nested deeper than the protobuf recursion limit', () => {
    let body: AnyValue = 'bottom';
    for (let depth = 0; depth < 60; depth++) body = [body];
    const deep = serializeLogs([withOverrides(record, { body })], 'otlp_proto');
    expectDecodeError(decodeError(deep, 'otlp_proto'), 'malformed_protobuf', /maximum nesting depth exceeded/);
  });

  it('invalid_otlp: well-formed protobuf with a trace id of the wrong length', () => {
    const shortId = withOverrides(record, {
      spanContext: { traceId: 'abcd', spanId: '00f067aa0ba902b7', traceFlags: 1 },
    });
    expectDecodeError(
      decodeError(serializeLogs([shortId], 'otlp_proto'), 'otlp_proto'),
      'invalid_otlp',
      new RegExp(`^${escape(FIRST_RECORD)}\\.traceId: expected 16 bytes, got 2$`),
    );
  });

  it('invalid_otlp: a severity number outside the log data model, in either encoding', () => {
    const payload = serializeLogs([withOverrides(record, { severityNumber: 30 as SeverityNumber })], 'otlp_proto');
    expectDecodeError(
      decodeError(payload, 'otlp_proto'),
      'invalid_otlp',
      new RegExp(`^${escape(FIRST_RECORD)}\\.severityNumber: expected 0-24, got 30$`),
    );
    const jsonPayload = serializeLogs([withOverrides(record, { severityNumber: 30 as SeverityNumber })], 'otlp_json');
    expectDecodeError(
      decodeError(jsonPayload, 'otlp_json'),
      'invalid_otlp',
      /logRecords\[0\]\.severityNumber: expected a severity number 0-24, got 30/,
    );
  });

  it('malformed_json: text that is not JSON, and bytes that are not UTF-8', () => {
    const truncated = json.subarray(0, json.length - 3);
    expectDecodeError(decodeError(truncated, 'otlp_json'), 'malformed_json', /^payload is not valid JSON: /);
    expectDecodeError(decodeError(proto, 'otlp_json'), 'malformed_json', /not valid (UTF-8|JSON)/);
    const notUtf8 = Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]);
    expectDecodeError(decodeError(notUtf8, 'otlp_json'), 'malformed_json', /not valid UTF-8/);
  });

  it.each<[string, (request: Record<string, unknown>) => void, RegExp]>([
    [
      'a base64 trace id (the generic protobuf JSON mapping, not OTLP/JSON)',
      (request) => Object.assign(firstJsonRecord(request), { traceId: 'S/kvNXezTaajzpKdDg5HNg==' }),
      new RegExp(
        `^not an OTLP/JSON logs request: ${escape(FIRST_RECORD)}\\.traceId: ` +
          escape('expected a 16-byte id as 32 hex characters (or ""), got "S/kvNXezTaajzpKdDg5HNg=="') +
          '$',
      ),
    ],
    [
      'a time that is not an integer',
      (request) => Object.assign(firstJsonRecord(request), { timeUnixNano: '2024-01-01T00:00:00Z' }),
      /logRecords\[0\]\.timeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a negative time',
      (request) => Object.assign(firstJsonRecord(request), { observedTimeUnixNano: '-1' }),
      /logRecords\[0\]\.observedTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'an int64 out of range',
      (request) => Object.assign(firstJsonRecord(request), { body: { intValue: '9223372036854775808' } }),
      /logRecords\[0\]\.body\.intValue: expected a signed 64-bit integer/,
    ],
    [
      'an AnyValue with two members set',
      (request) => Object.assign(firstJsonRecord(request), { body: { stringValue: 'a', boolValue: true } }),
      /logRecords\[0\]\.body: an AnyValue sets at most one member, got stringValue and boolValue/,
    ],
    [
      'scopeLogs that is not an array',
      (request) => Object.assign((request['resourceLogs'] as Record<string, unknown>[])[0] ?? {}, { scopeLogs: {} }),
      /: resourceLogs\[0\]\.scopeLogs: Invalid input: expected array, received object$/,
    ],
    [
      'resourceLogs that is a string',
      (request) => Object.assign(request, { resourceLogs: 'none' }),
      /: resourceLogs: Invalid input: expected array, received string$/,
    ],
  ])('invalid_otlp naming the path: %s', (_, edit, message) => {
    expectDecodeError(decodeError(editJson(json, edit), 'otlp_json'), 'invalid_otlp', message);
  });

  it('invalid_otlp: a JSON value that is not an object at all', () => {
    const error = decodeError(Buffer.from('[1,2]'), 'otlp_json');
    expectDecodeError(error, 'invalid_otlp', /: \(root\): Invalid input: expected object, received array$/);
  });

  it('invalid_otlp: AnyValues nested too deeply to validate', () => {
    let body = '{"stringValue":"bottom"}';
    for (let depth = 0; depth < 20_000; depth++) body = `{"arrayValue":{"values":[${body}]}}`;
    const payload = Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${body}}]}]}]}`);
    expectDecodeError(decodeError(payload, 'otlp_json'), 'invalid_otlp', /nests AnyValues too deeply/);
  });

  it.each<OtlpEncoding>(['otlp_proto', 'otlp_json'])('oversized: %s payload over maxBytes, before decoding', (encoding) => {
    const payload = encoding === 'otlp_proto' ? proto : json;
    expect(decodeLogsRequest(payload, encoding, { maxBytes: payload.length })).toHaveLength(1);
    expectDecodeError(
      decodeError(payload, encoding, payload.length - 1),
      'oversized',
      new RegExp(`^payload is ${payload.length} bytes, over the ${payload.length - 1}-byte limit \\(maxBytes\\)$`),
    );
  });

  it('oversized: the default limit is 16 MiB', () => {
    expect(DEFAULT_MAX_BYTES).toBe(16 * 1024 * 1024);
    // Zero bytes would decode as an empty protobuf request: only the size check can reject it.
    expectDecodeError(decodeError(new Uint8Array(DEFAULT_MAX_BYTES + 1), 'otlp_proto'), 'oversized', /16777217 bytes/);
  });
});

describe('decodeLogsRequest rejects caller mistakes loudly, not as poison messages', () => {
  it('throws a TypeError for an unknown encoding and a RangeError for a bad maxBytes', () => {
    expect(() => decodeLogsRequest(proto, 'otlp_avro' as OtlpEncoding)).toThrow(TypeError);
    expect(() => decodeLogsRequest(proto, 'otlp_proto', { maxBytes: 0 })).toThrow(RangeError);
  });
});

function firstJsonRecord(request: Record<string, unknown>): Record<string, unknown> {
  type Node = Record<string, Node[]>;
  const record = (request as Node)['resourceLogs']?.[0]?.['scopeLogs']?.[0]?.['logRecords']?.[0];
  if (!record) throw new Error('SDK JSON has no first log record');
  return record;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
