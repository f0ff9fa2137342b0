import { OtlpDecodeError } from './otlp-decode.error';

const ALL_ZEROES = /^0*$/;

/**
 * A trace/span id as lowercase hex, or null when absent. OTLP treats an all-zero id as invalid,
 * which for an optional log field means "not set", so both map to null.
 */
export function hexIdOrNull(hex: string): string | null {
  return ALL_ZEROES.test(hex) ? null : hex.toLowerCase();
}

/** A protobuf id field; a length other than 0 or `size` is rejected, as the Collector does. */
export function idBytesToHex(bytes: Uint8Array, size: 8 | 16, path: string): string | null {
  if (bytes.byteLength === 0) return null;
  if (bytes.byteLength !== size) {
    throw new OtlpDecodeError('invalid_otlp', `${path}: expected ${size} bytes, got ${bytes.byteLength}`);
  }
  return hexIdOrNull(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}
