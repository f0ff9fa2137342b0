import { z } from 'zod';
import { attributesSchema, attributeValueSchema } from './attribute-value.schema';
import { hexIdSchema, originSchema, unixNanoSchema } from './resource-scope.schema';

/** One OTLP log record, flattened with its resource and scope: what ingest stores and publishes. */
export const normalizedLogRecordSchema = originSchema.extend({
  /** Event time; falls back to observed time when the producer left it 0 (OTLP spec). */
  timeUnixNano: unixNanoSchema,
  observedTimeUnixNano: unixNanoSchema,
  severityNumber: z.number().int().min(0).max(24),
  severityText: z.string(),
  body: attributeValueSchema,
  attributes: attributesSchema,
  traceId: hexIdSchema(16),
  spanId: hexIdSchema(8),
  flags: z.number().int().nonnegative(),
  /** OTLP LogRecord.event_name (field 12): names an event record; "" when absent. */
  eventName: z.string(),
});
export type NormalizedLogRecord = z.infer<typeof normalizedLogRecordSchema>;
