import { z } from 'zod';
import { opentelemetry } from './generated/otlp';
import {
  jsonAttributesSchema,
  jsonResourceSchema,
  jsonScopeSchema,
  optionalMessage,
  repeated,
} from './otlp-json-common.schema';
import {
  boolSchema,
  doubleSchema,
  doubleValueSchema,
  enumSchema,
  hexIdSchema,
  int32Schema,
  int64ValueSchema,
  repeatedScalars,
  stringSchema,
  uint32Schema,
  uint64Schema,
  uint64ValueSchema,
} from './otlp-json-scalars.schema';

/*
 * OTLP/JSON ExportMetricsServiceRequest, validated and converted in one pass into the generated
 * protobuf classes (see otlp-json-common.schema.ts).
 */

const v1 = opentelemetry.proto.metrics.v1;
const { ExportMetricsServiceRequest } = opentelemetry.proto.collector.metrics.v1;

const METRIC_DATA_MEMBERS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

const temporalitySchema = enumSchema(v1.AggregationTemporality, 'an AggregationTemporality (0-2)');

/** A `value` oneof (asDouble/asInt): both set is ambiguous and rejected. */
function oneNumberValue(
  point: { asDouble?: unknown; asInt?: unknown },
  ctx: { addIssue(message: string): void },
): boolean {
  if (point.asDouble !== undefined && point.asInt !== undefined) {
    ctx.addIssue('a value sets at most one of asDouble and asInt, got both');
    return false;
  }
  return true;
}

const exemplarSchema = z
  .object({
    filteredAttributes: jsonAttributesSchema,
    timeUnixNano: uint64Schema,
    asDouble: doubleValueSchema,
    asInt: int64ValueSchema,
    spanId: hexIdSchema(8),
    traceId: hexIdSchema(16),
  })
  .transform((exemplar, ctx) => (oneNumberValue(exemplar, ctx) ? new v1.Exemplar(exemplar) : z.NEVER));

const pointBase = {
  attributes: jsonAttributesSchema,
  startTimeUnixNano: uint64Schema,
  timeUnixNano: uint64Schema,
  exemplars: repeated(exemplarSchema),
  flags: uint32Schema,
};

const numberDataPointSchema = z
  .object({ ...pointBase, asDouble: doubleValueSchema, asInt: int64ValueSchema })
  .transform((point, ctx) => (oneNumberValue(point, ctx) ? new v1.NumberDataPoint(point) : z.NEVER));

const histogramDataPointSchema = z
  .object({
    ...pointBase,
    count: uint64Schema,
    sum: doubleValueSchema,
    bucketCounts: repeatedScalars(uint64ValueSchema),
    explicitBounds: repeatedScalars(doubleValueSchema),
    min: doubleValueSchema,
    max: doubleValueSchema,
  })
  .transform((point) => new v1.HistogramDataPoint(point));

const bucketsSchema = optionalMessage(
  z
    .object({ offset: int32Schema, bucketCounts: repeatedScalars(uint64ValueSchema) })
    .transform((buckets) => new v1.ExponentialHistogramDataPoint.Buckets(buckets)),
);

const exponentialHistogramDataPointSchema = z
  .object({
    ...pointBase,
    count: uint64Schema,
    sum: doubleValueSchema,
    scale: int32Schema,
    zeroCount: uint64Schema,
    positive: bucketsSchema,
    negative: bucketsSchema,
    min: doubleValueSchema,
    max: doubleValueSchema,
    zeroThreshold: doubleSchema,
  })
  .transform((point) => new v1.ExponentialHistogramDataPoint(point));

const summaryDataPointSchema = z
  .object({
    attributes: jsonAttributesSchema,
    startTimeUnixNano: uint64Schema,
    timeUnixNano: uint64Schema,
    count: uint64Schema,
    sum: doubleSchema,
    quantileValues: repeated(
      z
        .object({ quantile: doubleSchema, value: doubleSchema })
        .transform((quantile) => new v1.SummaryDataPoint.ValueAtQuantile(quantile)),
    ),
    flags: uint32Schema,
  })
  .transform((point) => new v1.SummaryDataPoint(point));

const metricSchema = z
  .object({
    name: stringSchema,
    description: stringSchema,
    unit: stringSchema,
    gauge: optionalMessage(
      z.object({ dataPoints: repeated(numberDataPointSchema) }).transform((gauge) => new v1.Gauge(gauge)),
    ),
    sum: optionalMessage(
      z
        .object({
          dataPoints: repeated(numberDataPointSchema),
          aggregationTemporality: temporalitySchema,
          isMonotonic: boolSchema,
        })
        .transform((sum) => new v1.Sum(sum)),
    ),
    histogram: optionalMessage(
      z
        .object({ dataPoints: repeated(histogramDataPointSchema), aggregationTemporality: temporalitySchema })
        .transform((histogram) => new v1.Histogram(histogram)),
    ),
    exponentialHistogram: optionalMessage(
      z
        .object({
          dataPoints: repeated(exponentialHistogramDataPointSchema),
          aggregationTemporality: temporalitySchema,
        })
        .transform((histogram) => new v1.ExponentialHistogram(histogram)),
    ),
    summary: optionalMessage(
      z.object({ dataPoints: repeated(summaryDataPointSchema) }).transform((summary) => new v1.Summary(summary)),
    ),
    metadata: jsonAttributesSchema,
  })
  .transform((metric, ctx) => {
    const present = METRIC_DATA_MEMBERS.filter((member) => metric[member] !== undefined);
    if (present.length > 1) {
      ctx.addIssue(`a metric has at most one data member, got ${present.join(' and ')}`);
      return z.NEVER;
    }
    return new v1.Metric(metric);
  });

const scopeMetricsSchema = z
  .object({ scope: jsonScopeSchema, metrics: repeated(metricSchema), schemaUrl: stringSchema })
  .transform((scopeMetrics) => new v1.ScopeMetrics(scopeMetrics));

const resourceMetricsSchema = z
  .object({ resource: jsonResourceSchema, scopeMetrics: repeated(scopeMetricsSchema), schemaUrl: stringSchema })
  .transform((resourceMetrics) => new v1.ResourceMetrics(resourceMetrics));

export const otlpJsonMetricsRequestSchema = z
  .object({ resourceMetrics: repeated(resourceMetricsSchema) })
  .transform((request) => new ExportMetricsServiceRequest(request));
