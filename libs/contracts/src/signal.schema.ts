import { z } from 'zod';
import { attributeValueSchema } from './attribute-value.schema';
import { hexIdSchema, unixNanoSchema } from './resource-scope.schema';
import { metricPointSchema } from './metric-point.schema';
import { SPAN_KINDS } from './span.schema';

/**
 * Where a signal came from: the source Kafka message. Detectors keep a high-water mark per
 * source partition and skip what they have seen, so a republished batch is not counted twice.
 */
export const signalSourceSchema = z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() });

/**
 * What detection reads of a log record. Attributes stay behind in the stored evidence: they
 * were ~40% of the hand-off's bytes, which ingestion pays for in encoding and checksums.
 */
const logSignal = z.object({
  timeUnixNano: unixNanoSchema,
  severityNumber: z.number().int(),
  body: attributeValueSchema,
  traceId: hexIdSchema(16),
  spanId: hexIdSchema(8),
});

const spanSignal = z.object({
  name: z.string(),
  kind: z.enum(SPAN_KINDS),
  endTimeUnixNano: unixNanoSchema,
  durationMs: z.number().nonnegative(),
  error: z.boolean(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: hexIdSchema(8),
});

/**
 * One message on `vigil.signals`, keyed by service so every series and template miner of a
 * service has exactly one owner, whatever partitioning the producers used.
 */
export const signalBatchSchema = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('logs'), service: z.string(), source: signalSourceSchema, items: z.array(logSignal) }),
  z.object({
    v: z.literal(1),
    kind: z.literal('metrics'),
    service: z.string(),
    source: signalSourceSchema,
    items: z.array(z.object({ seriesKey: z.string(), point: metricPointSchema })),
  }),
  z.object({ v: z.literal(1), kind: z.literal('spans'), service: z.string(), source: signalSourceSchema, items: z.array(spanSignal) }),
]);
export type SignalBatch = z.infer<typeof signalBatchSchema>;
export type LogSignal = z.infer<typeof logSignal>;
export type SpanSignal = z.infer<typeof spanSignal>;
