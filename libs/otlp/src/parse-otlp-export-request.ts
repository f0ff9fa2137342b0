import type { OtlpEncoding } from '@vigil/contracts';
import { assertWithinMaxBytes, type DecodeOptions } from './decode-options';
import { opentelemetry } from './generated/otlp';
import { parseJsonLogsRequest, parseJsonMetricsRequest, parseJsonTracesRequest } from './otlp-json.parser';
import { writeOtlpJson } from './otlp-json.writer';
import { OtlpDecodeError } from './otlp-decode.error';
import { protoLogsToParts } from './proto-logs.mapper';
import { protoMetricsToPoints } from './proto-metrics.mapper';
import { protoTracesToSpans } from './proto-traces.mapper';
import { countLogRecords, countMetricDataPoints, countSpans } from './request-item.counter';
import { decodeRawLogsRequest, decodeRawMetricsRequest, decodeRawTraceRequest } from './raw-request.decoder';

export type OtlpSignal = 'logs' | 'metrics' | 'traces';

export interface ParsedOtlpRequest {
  signal: OtlpSignal;
  /** Log records, data points, or spans in the request. */
  itemCount: number;
  /** The same request re-encoded as OTLP protobuf (the bytes themselves when the input was protobuf). */
  toProto(): Uint8Array;
  /** The same request as OTLP/JSON bytes (spec-compliant: hex trace/span ids, lowerCamelCase, int64 as strings). */
  toJson(): Uint8Array;
}

interface Encoder<T> {
  encode(message: T): { finish(): Uint8Array };
}

/** Everything that differs between the signals, behind one shape. */
interface SignalCodec<T extends object> {
  decodeProto(payload: Uint8Array): T;
  parseJson(payload: Uint8Array): T;
  type: Encoder<T>;
  /**
   * Throws the `invalid_otlp` error the decoder would (bad id lengths, enum values outside the
   * data model...): it runs the decoder's own mapping and drops the result, so there is one
   * definition of "valid", at the price of building records nobody reads.
   */
  validate(request: T): unknown;
  count(request: T): number;
}

const { collector } = opentelemetry.proto;

const CODECS: { [S in OtlpSignal]: SignalCodec<object> } = {
  logs: codec({
    decodeProto: decodeRawLogsRequest,
    parseJson: parseJsonLogsRequest,
    type: collector.logs.v1.ExportLogsServiceRequest,
    validate: protoLogsToParts,
    count: countLogRecords,
  }),
  metrics: codec({
    decodeProto: decodeRawMetricsRequest,
    parseJson: parseJsonMetricsRequest,
    type: collector.metrics.v1.ExportMetricsServiceRequest,
    validate: protoMetricsToPoints,
    count: countMetricDataPoints,
  }),
  traces: codec({
    decodeProto: decodeRawTraceRequest,
    parseJson: parseJsonTracesRequest,
    type: collector.trace.v1.ExportTraceServiceRequest,
    validate: protoTracesToSpans,
    count: countSpans,
  }),
};

/** Erases the request type once the functions are known to agree on it. */
function codec<T extends object>(signalCodec: SignalCodec<T>): SignalCodec<object> {
  return signalCodec as unknown as SignalCodec<object>;
}

function encodeJsonRequest<T extends object>(signal: OtlpSignal, type: Encoder<T>, request: T): Uint8Array {
  try {
    return type.encode(request).finish();
  } catch (error) {
    // protobufjs refuses to encode (and to decode) messages nested deeper than 100 levels:
    // OTLP/JSON may nest AnyValues that deeply, protobuf may not.
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError('invalid_otlp', `OTLP/JSON ${signal} request cannot be encoded as protobuf: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * An OTLP/HTTP request body → a validated request that can be forwarded in either encoding.
 * It accepts exactly what the decoders accept (the same checks run), so whatever passes here
 * will not be dead-lettered by the consumers later.
 *
 * OTLP/JSON bodies are encoded to protobuf eagerly, so a body that protobuf cannot represent
 * fails here; the OTLP/JSON form is built on first use. Both are cached: treat them as read-only.
 *
 * @throws OtlpDecodeError (never retriable) when the body is oversized, malformed or not OTLP.
 */
export function parseOtlpExportRequest(
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  options?: DecodeOptions,
): ParsedOtlpRequest {
  const signalCodec: SignalCodec<object> | undefined = Object.hasOwn(CODECS, signal) ? CODECS[signal] : undefined;
  if (!signalCodec) {
    throw new TypeError(`unsupported OTLP signal ${JSON.stringify(signal)}: expected logs, metrics or traces`);
  }
  if (encoding !== 'otlp_proto' && encoding !== 'otlp_json') {
    const unknownEncoding: never = encoding;
    throw new TypeError(
      `unsupported OTLP encoding ${JSON.stringify(unknownEncoding)}: expected otlp_proto or otlp_json`,
    );
  }
  assertWithinMaxBytes(body, options);
  const request = encoding === 'otlp_proto' ? signalCodec.decodeProto(body) : signalCodec.parseJson(body);
  signalCodec.validate(request);
  const proto = encoding === 'otlp_proto' ? body : encodeJsonRequest(signal, signalCodec.type, request);
  let json: Uint8Array | undefined;
  return {
    signal,
    itemCount: signalCodec.count(request),
    toProto: () => proto,
    toJson: () => (json ??= writeOtlpJson(request)),
  };
}
