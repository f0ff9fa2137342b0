import type { OtlpEncoding } from '@vigil/contracts';
import { assertWithinMaxBytes, type DecodeOptions } from './decode-options';

/**
 * The steps every decode*Request shares: size check, then the encoding's own parser into the
 * generated message objects, then one mapper for both encodings.
 */
export function decodeSignalRequest<Raw, Out>(
  payload: Uint8Array,
  encoding: OtlpEncoding,
  options: DecodeOptions | undefined,
  parsers: { otlp_proto(payload: Uint8Array): Raw; otlp_json(payload: Uint8Array): Raw },
  map: (request: Raw) => Out,
): Out {
  // Checked before the size, so a misconfigured consumer fails loudly even on small messages.
  if (encoding !== 'otlp_proto' && encoding !== 'otlp_json') {
    // Reachable from untyped callers only. A wrong encoding is configuration, not a bad message.
    const unknownEncoding: never = encoding;
    throw new TypeError(
      `unsupported OTLP encoding ${JSON.stringify(unknownEncoding)}: expected otlp_proto or otlp_json`,
    );
  }
  assertWithinMaxBytes(payload, options);
  return map(parsers[encoding](payload));
}
