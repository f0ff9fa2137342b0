import { OtlpDecodeError } from './otlp-decode.error';

// fatal: bytes that are not UTF-8 are an error rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Payload bytes → the JSON value they spell; any failure is `malformed_json`. */
export function parseJsonPayload(payload: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch (error) {
    throw new OtlpDecodeError('malformed_json', 'payload is not valid UTF-8, so it cannot be OTLP/JSON', {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError('malformed_json', `payload is not valid JSON: ${reason}`, { cause: error });
  }
}
