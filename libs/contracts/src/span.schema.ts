import { z } from 'zod';
import { attributesSchema } from './attribute-value.schema';
import { hexIdSchema, originSchema, unixNanoSchema } from './resource-scope.schema';

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];
export const SPAN_STATUS_CODES = ['unset', 'ok', 'error'] as const;
export type SpanStatusCode = (typeof SPAN_STATUS_CODES)[number];

/** One OTLP span flattened with its resource and scope. */
export const normalizedSpanSchema = originSchema.extend({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  parentSpanId: hexIdSchema(8),
  traceState: z.string(),
  name: z.string(),
  kind: z.enum(SPAN_KINDS),
  startTimeUnixNano: unixNanoSchema,
  endTimeUnixNano: unixNanoSchema,
  /** end − start in nanoseconds; 0 when the end precedes the start. */
  durationNs: z.number().nonnegative(),
  attributes: attributesSchema,
  status: z.object({ code: z.enum(SPAN_STATUS_CODES), message: z.string() }),
  events: z.array(z.object({ name: z.string(), timeUnixNano: unixNanoSchema, attributes: attributesSchema })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string(), attributes: attributesSchema })),
  flags: z.number().int().nonnegative(),
});
export type NormalizedSpan = z.infer<typeof normalizedSpanSchema>;
