import { OtlpDecodeError } from './otlp-decode.error';

/**
 * Well above the Collector kafka exporter's default producer limit (1 MB) so a tuned broker never
 * trips it, but low enough that one hostile message cannot balloon into gigabytes of objects.
 */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export interface DecodeOptions {
  /** Largest payload accepted, in bytes; larger ones fail with code `oversized`. */
  maxBytes?: number;
}

export function assertWithinMaxBytes(payload: Uint8Array, options: DecodeOptions | undefined): void {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  // A bad limit is a configuration bug: fail loudly instead of dead-lettering every message.
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  if (payload.byteLength > maxBytes) {
    throw new OtlpDecodeError(
      'oversized',
      `payload is ${payload.byteLength} bytes, over the ${maxBytes}-byte limit (maxBytes)`,
    );
  }
}
