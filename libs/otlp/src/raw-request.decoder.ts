import * as protobuf from 'protobufjs/minimal';
import { opentelemetry } from './generated/otlp';
import { OtlpDecodeError } from './otlp-decode.error';

/**
 * Protobuf export requests as protobufjs decodes them, for all three signals. Internal to the
 * lib (not in index.ts). The OTLP/JSON parsers produce these same types, so the mappers, the
 * encoder and the OTLP/JSON writer serve both encodings.
 */
export type RawLogsRequest = opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
export type RawMetricsRequest = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
export type RawTraceRequest = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export type RawAnyValue = opentelemetry.proto.common.v1.AnyValue;
export type RawKeyValue = opentelemetry.proto.common.v1.KeyValue;

interface Decodable<T> {
  decode(payload: Uint8Array): T;
}

function decodeWith<T>(type: Decodable<T>, typeName: string, payload: Uint8Array): T {
  // Without long.js protobufjs reads 64-bit fields as doubles and nanosecond times lose their
  // last digits silently. It is a hard dependency of protobufjs, so this only trips on a broken
  // install; it is deliberately not an OtlpDecodeError, as the message itself is fine.
  if (!protobuf.util.Long) {
    throw new Error('protobufjs has no Long support (package "long" missing); refusing to round 64-bit values');
  }
  try {
    return type.decode(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError('malformed_protobuf', `payload is not a valid protobuf ${typeName}: ${reason}`, {
      cause: error,
    });
  }
}

export function decodeRawLogsRequest(payload: Uint8Array): RawLogsRequest {
  const { ExportLogsServiceRequest } = opentelemetry.proto.collector.logs.v1;
  return decodeWith(ExportLogsServiceRequest, 'ExportLogsServiceRequest', payload);
}

export function decodeRawMetricsRequest(payload: Uint8Array): RawMetricsRequest {
  const { ExportMetricsServiceRequest } = opentelemetry.proto.collector.metrics.v1;
  return decodeWith(ExportMetricsServiceRequest, 'ExportMetricsServiceRequest', payload);
}

export function decodeRawTraceRequest(payload: Uint8Array): RawTraceRequest {
  const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;
  return decodeWith(ExportTraceServiceRequest, 'ExportTraceServiceRequest', payload);
}
