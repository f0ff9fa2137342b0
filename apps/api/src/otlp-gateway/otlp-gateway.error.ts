/** Why the receiver refused a request; the controller maps each kind to its HTTP status. */
export type OtlpGatewayErrorKind =
  /** Content-Type or Content-Encoding we cannot read (415). */
  | 'unsupported_media_type'
  /** Over the byte limit, on the wire or after gunzip (413; the client must not retry). */
  | 'too_large'
  /** Bytes that are not an OTLP export request (400; the client must not retry). */
  | 'bad_data'
  /** Too many requests in flight (429; retry after `retryAfterSeconds`). */
  | 'overloaded'
  /** The bus refused or did not confirm the publish in time (503; retry after `retryAfterSeconds`). */
  | 'unavailable';

/** A refusal the client caused or can retry; never a bug. Free of HTTP types on purpose. */
export class OtlpGatewayError extends Error {
  override readonly name = 'OtlpGatewayError';

  constructor(
    readonly kind: OtlpGatewayErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
