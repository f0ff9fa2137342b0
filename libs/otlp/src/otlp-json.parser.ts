import type { z } from 'zod';
import type { opentelemetry } from './generated/otlp';
import { parseJsonPayload } from './json-payload.parser';
import { otlpJsonLogsRequestSchema } from './otlp-json-logs.schema';
import { otlpJsonMetricsRequestSchema } from './otlp-json-metrics.schema';
import { otlpJsonTracesRequestSchema } from './otlp-json-traces.schema';
import { OtlpDecodeError } from './otlp-decode.error';

/** `resourceLogs[0].scopeLogs[1].logRecords[2].traceId`, the way a person would search for it. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text ? '.' : ''}${String(segment)}`;
  }
  return text || '(root)';
}

function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  const head = first ? `${formatPath(first.path)}: ${first.message}` : 'invalid';
  return rest.length > 0 ? `${head} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : head;
}

/** A parsed JSON value → the request it spells, or `invalid_otlp` naming the offending path. */
function validate<T>(schema: z.ZodType<T>, signal: string, json: unknown): T {
  let result: z.ZodSafeParseResult<T>;
  try {
    result = schema.safeParse(json);
  } catch (error) {
    // JSON.parse happily builds arbitrarily deep values; validating them recursively can not.
    if (error instanceof RangeError) {
      throw new OtlpDecodeError('invalid_otlp', `OTLP/JSON ${signal} request nests AnyValues too deeply to decode`, {
        cause: error,
      });
    }
    throw error;
  }
  if (!result.success) {
    throw new OtlpDecodeError('invalid_otlp', `not an OTLP/JSON ${signal} request: ${describeIssues(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/*
 * OTLP/JSON payload bytes → the same generated message objects protobuf decoding gives, so
 * everything downstream (mappers, encoder, JSON writer) is shared by both encodings.
 */

export function parseJsonLogsRequest(
  payload: Uint8Array,
): opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest {
  return validate(otlpJsonLogsRequestSchema, 'logs', parseJsonPayload(payload));
}

export function parseJsonMetricsRequest(
  payload: Uint8Array,
): opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest {
  return validate(otlpJsonMetricsRequestSchema, 'metrics', parseJsonPayload(payload));
}

export function parseJsonTracesRequest(
  payload: Uint8Array,
): opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest {
  return validate(otlpJsonTracesRequestSchema, 'traces', parseJsonPayload(payload));
}
