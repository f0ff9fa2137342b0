export const OTLP_DECODE_ERROR_CODES = ['malformed_protobuf', 'malformed_json', 'invalid_otlp', 'oversized'] as const;
export type OtlpDecodeErrorCode = (typeof OTLP_DECODE_ERROR_CODES)[number];

/**
 * A payload that can never be decoded. Decoding is deterministic, so retrying the same bytes
 * fails the same way: the consumer must dead-letter the message and move on, never retry it.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly retriable = false as const;

  constructor(
    readonly code: OtlpDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
