import type { NormalizedLogRecord, OtlpEncoding } from '@vigil/contracts';
import type { DecodeOptions } from './decode-options';
import { decodeSignalRequest } from './decode-signal-request';
import { flattenResourceLogs } from './log-records.flattener';
import { parseJsonLogsRequest } from './otlp-json.parser';
import { protoLogsToParts } from './proto-logs.mapper';
import { decodeRawLogsRequest } from './raw-request.decoder';

/**
 * One Kafka message from the Collector's kafka exporter (a whole ExportLogsServiceRequest) →
 * its log records, flattened with their resource and scope, in request order.
 *
 * @throws OtlpDecodeError (never retriable) when the payload is oversized, malformed or not OTLP.
 */
export function decodeLogsRequest(
  payload: Uint8Array,
  encoding: OtlpEncoding,
  options?: DecodeOptions,
): NormalizedLogRecord[] {
  return decodeSignalRequest(
    payload,
    encoding,
    options,
    { otlp_proto: decodeRawLogsRequest, otlp_json: parseJsonLogsRequest },
    (request) => flattenResourceLogs(protoLogsToParts(request)),
  );
}
