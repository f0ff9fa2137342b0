import { z } from 'zod';
import { attributesSchema } from './attribute-value.schema';
import { hexIdSchema, originSchema, unixNanoSchema } from './resource-scope.schema';

export const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];
export const TEMPORALITIES = ['unspecified', 'delta', 'cumulative'] as const;
export type Temporality = (typeof TEMPORALITIES)[number];

/** An exemplar: a concrete measurement with the trace it came from — evidence for anomalies. */
export const exemplarSchema = z.object({
  timeUnixNano: unixNanoSchema,
  value: z.number(),
  traceId: hexIdSchema(16),
  spanId: hexIdSchema(8),
  attributes: attributesSchema,
});

const pointBase = originSchema.extend({
  name: z.string().min(1),
  description: z.string(),
  unit: z.string(),
  attributes: attributesSchema,
  startTimeUnixNano: unixNanoSchema,
  timeUnixNano: unixNanoSchema,
  /** OTLP DataPointFlags; bit 0 = no recorded value (a staleness marker). */
  flags: z.number().int().nonnegative(),
  exemplars: z.array(exemplarSchema),
});

const bucketsSchema = z.object({ offset: z.number().int(), bucketCounts: z.array(z.number().nonnegative()) });

/**
 * One OTLP metric data point, flattened with its metric, resource and scope. Counts and int64
 * values are JS numbers (exact below 2^53, which metric counts stay under in practice).
 */
export const metricPointSchema = z.discriminatedUnion('type', [
  pointBase.extend({ type: z.literal('gauge'), value: z.number() }),
  pointBase.extend({
    type: z.literal('sum'),
    value: z.number(),
    temporality: z.enum(TEMPORALITIES),
    monotonic: z.boolean(),
  }),
  pointBase.extend({
    type: z.literal('histogram'),
    temporality: z.enum(TEMPORALITIES),
    count: z.number().nonnegative(),
    sum: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    bucketCounts: z.array(z.number().nonnegative()),
    explicitBounds: z.array(z.number()),
  }),
  pointBase.extend({
    type: z.literal('exponential_histogram'),
    temporality: z.enum(TEMPORALITIES),
    count: z.number().nonnegative(),
    sum: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    scale: z.number().int(),
    zeroCount: z.number().nonnegative(),
    zeroThreshold: z.number(),
    positive: bucketsSchema,
    negative: bucketsSchema,
  }),
  pointBase.extend({
    type: z.literal('summary'),
    count: z.number().nonnegative(),
    sum: z.number(),
    quantiles: z.array(z.object({ quantile: z.number().min(0).max(1), value: z.number() })),
  }),
]);
export type MetricPoint = z.infer<typeof metricPointSchema>;
