import type { z } from 'zod';
import type { ResourceLogsParts } from './log-records.flattener';
import { otlpJsonLogsRequestSchema } from './otlp-json-logs.schema';
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

/** A parsed JSON value → encoding-neutral parts, or `invalid_otlp` naming the offending path. */
export function jsonLogsToParts(json: unknown): ResourceLogsParts[] {
  let result: ReturnType<typeof otlpJsonLogsRequestSchema.safeParse>;
  try {
    result = otlpJsonLogsRequestSchema.safeParse(json);
  } catch (error) {
    // JSON.parse happily builds arbitrarily deep values; validating them recursively can not.
    if (error instanceof RangeError) {
      throw new OtlpDecodeError('invalid_otlp', 'OTLP/JSON logs request nests AnyValues too deeply to decode', {
        cause: error,
      });
    }
    throw error;
  }
  if (!result.success) {
    throw new OtlpDecodeError('invalid_otlp', `not an OTLP/JSON logs request: ${describeIssues(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}
