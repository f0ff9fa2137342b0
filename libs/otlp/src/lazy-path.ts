import { OtlpDecodeError } from './otlp-decode.error';

/**
 * Maps one record with its error path built only when the record is invalid: building
 * `resourceSpans[r].scopeSpans[s].spans[i].traceId` and friends for every valid record cost
 * ~10% of a worker's CPU. The mapping is pure, so re-running it with the real path throws the
 * same error, now naming where.
 */
export function withErrorPath<T>(pathOf: () => string, map: (path: string) => T): T {
  try {
    return map('');
  } catch (error) {
    if (error instanceof OtlpDecodeError) return map(pathOf());
    throw error;
  }
}
