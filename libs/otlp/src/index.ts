export { decodeLogsRequest } from './decode-logs-request';
export { DEFAULT_MAX_BYTES } from './decode-options';
export type { DecodeOptions } from './decode-options';
export { OtlpDecodeError, OTLP_DECODE_ERROR_CODES } from './otlp-decode.error';
export type { OtlpDecodeErrorCode } from './otlp-decode.error';
