import type { MetricPoint, OtlpEncoding } from '@vigil/contracts';
import type { DecodeOptions } from './decode-options';
import { decodeSignalRequest } from './decode-signal-request';
import { parseJsonMetricsRequest } from './otlp-json.parser';
import { protoMetricsToPoints } from './proto-metrics.mapper';
import { decodeRawMetricsRequest } from './raw-request.decoder';

/**
 * One Kafka message from the Collector's kafka exporter (a whole ExportMetricsServiceRequest) →
 * its data points, each flattened with its metric, resource and scope, in request order.
 *
 * @throws OtlpDecodeError (never retriable) when the payload is oversized, malformed or not OTLP.
 */
export function decodeMetricsRequest(
  payload: Uint8Array,
  encoding: OtlpEncoding,
  options?: DecodeOptions,
): MetricPoint[] {
  return decodeSignalRequest(
    payload,
    encoding,
    options,
    { otlp_proto: decodeRawMetricsRequest, otlp_json: parseJsonMetricsRequest },
    protoMetricsToPoints,
  );
}
