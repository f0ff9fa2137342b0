import * as protobuf from 'protobufjs/minimal';
import { OTLP_CONTENT_TYPES, type OtlpHttpEncoding } from './otlp-content-type';

export interface EncodedResponse {
  contentType: string;
  body: Buffer;
}

/**
 * A full success: `Export{Logs,Metrics,Trace}ServiceResponse` with `partial_success` unset (the
 * spec requires it unset on full success). Every field is default, so protobuf is zero bytes
 * and JSON is `{}` for all three signals alike.
 */
export function encodeExportSuccess(encoding: OtlpHttpEncoding): EncodedResponse {
  return { contentType: OTLP_CONTENT_TYPES[encoding], body: encoding === 'protobuf' ? Buffer.alloc(0) : Buffer.from('{}') };
}

/** google.rpc.Code values; the spec says clients must not act on them, they are for humans. */
export const RPC_CODES = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
export type RpcCode = (typeof RPC_CODES)[keyof typeof RPC_CODES];

/**
 * `google.rpc.Status { int32 code = 1; string message = 2; }` in the request's encoding, as the
 * spec requires for every 4xx/5xx. Two scalar fields: protobufjs's Writer encodes them without
 * a generated type. `details` stays empty.
 */
export function encodeStatus(encoding: OtlpHttpEncoding, code: RpcCode, message: string): EncodedResponse {
  if (encoding === 'json') return { contentType: OTLP_CONTENT_TYPES.json, body: Buffer.from(JSON.stringify({ code, message })) };
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 0).int32(code);
  writer.uint32((2 << 3) | 2).string(message);
  return { contentType: OTLP_CONTENT_TYPES.protobuf, body: Buffer.from(writer.finish()) };
}
