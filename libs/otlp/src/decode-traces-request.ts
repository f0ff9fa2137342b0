import type { NormalizedSpan, OtlpEncoding } from '@vigil/contracts';
import type { DecodeOptions } from './decode-options';
import { decodeSignalRequest } from './decode-signal-request';
import { parseJsonTracesRequest } from './otlp-json.parser';
import { protoTracesToSpans } from './proto-traces.mapper';
import { decodeRawTraceRequest } from './raw-request.decoder';

/**
 * One Kafka message from the Collector's kafka exporter (a whole ExportTraceServiceRequest) →
 * its spans, each flattened with its resource and scope, in request order.
 *
 * @throws OtlpDecodeError (never retriable) when the payload is oversized, malformed or not OTLP.
 */
export function decodeTracesRequest(
  payload: Uint8Array,
  encoding: OtlpEncoding,
  options?: DecodeOptions,
): NormalizedSpan[] {
  return decodeSignalRequest(
    payload,
    encoding,
    options,
    { otlp_proto: decodeRawTraceRequest, otlp_json: parseJsonTracesRequest },
    protoTracesToSpans,
  );
}
