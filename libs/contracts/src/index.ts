export { attributeValueSchema, attributesSchema } from './attribute-value.schema';
export type { AttributeValue, Attributes } from './attribute-value.schema';
export { normalizedLogRecordSchema } from './log-record.schema';
export type { NormalizedLogRecord } from './log-record.schema';
export { OTLP_TOPICS, VIGIL_TOPICS, OTLP_ENCODINGS, DEAD_LETTER_HEADERS } from './topics';
export type { OtlpEncoding } from './topics';
export { ATTR_SERVICE_NAME, UNKNOWN_SERVICE } from './attributes';
