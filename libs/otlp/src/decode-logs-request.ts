import type { NormalizedLogRecord, OtlpEncoding } from '@vigil/contracts';
import { assertWithinMaxBytes, type DecodeOptions } from './decode-options';
import { parseJsonPayload } from './json-payload.parser';
import { jsonLogsToParts } from './json-logs.parser';
import { flattenResourceLogs } from './log-records.flattener';
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
  assertWithinMaxBytes(payload, options);
  switch (encoding) {
    case 'otlp_proto':
      return flattenResourceLogs(protoLogsToParts(decodeRawLogsRequest(payload)));
    case 'otlp_json':
      return flattenResourceLogs(jsonLogsToParts(parseJsonPayload(payload)));
    default: {
      // Reachable from untyped callers only. A wrong encoding is configuration, not a bad message.
      const unknownEncoding: never = encoding;
      throw new TypeError(
        `unsupported OTLP encoding ${JSON.stringify(unknownEncoding)}: expected otlp_proto or otlp_json`,
      );
    }
  }
}
