import { OtlpGatewayError } from './otlp-gateway.error';

/** The two OTLP/HTTP payload encodings; responses use the request's (spec: "OTLP/HTTP Response"). */
export type OtlpHttpEncoding = 'protobuf' | 'json';

export const OTLP_CONTENT_TYPES: Readonly<Record<OtlpHttpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** `Type/Sub; charset=x` → `type/sub` (lowercase), or '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, value] = parameter.split('=', 2).map((s) => s.trim());
    if (name?.toLowerCase() === 'charset' && value !== undefined) return value.replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

/** Picks the decoder from Content-Type; anything but the two OTLP types is 415. */
export function negotiateEncoding(contentType: string | undefined): OtlpHttpEncoding {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === OTLP_CONTENT_TYPES.protobuf) return 'protobuf';
  if (mediaType === OTLP_CONTENT_TYPES.json) {
    // JSON text is UTF-8 (RFC 8259); decoding another charset as UTF-8 would corrupt strings silently.
    const charset = charsetOf(contentType ?? '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      throw new OtlpGatewayError('unsupported_media_type', `unsupported charset "${charset}" for application/json: expected utf-8`);
    }
    return 'json';
  }
  const shown = mediaType === '' ? 'no Content-Type' : `Content-Type "${mediaType}"`;
  throw new OtlpGatewayError('unsupported_media_type', `${shown} is not supported: expected application/x-protobuf or application/json`);
}

export type ContentCoding = 'identity' | 'gzip';

/** OTLP/HTTP clients may gzip (spec); every other coding is 415 rather than bytes we cannot read. */
export function negotiateContentCoding(contentEncoding: string | undefined): ContentCoding {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip';
  throw new OtlpGatewayError('unsupported_media_type', `Content-Encoding "${contentEncoding ?? ''}" is not supported: expected gzip or none`);
}
