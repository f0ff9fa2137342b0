import { TEMPORALITIES, type MetricPoint, type Temporality } from '@vigil/contracts';
import type { opentelemetry } from './generated/otlp';
import { idBytesToHex } from './hex-id';
import { int64ToNumber, uint64ToDecimal, uint64ToNumber } from './long-value';
import { OtlpDecodeError } from './otlp-decode.error';
import { protoKeyValuesToAttributes } from './proto-any-value.mapper';
import type { RawMetricsRequest } from './raw-request.decoder';
import { originOf, scopeOf } from './resource-origin';

type Raw = typeof opentelemetry.proto.metrics.v1;
type RawMetric = InstanceType<Raw['Metric']>;
type RawExemplar = InstanceType<Raw['Exemplar']>;
type RawNumberValue = Pick<InstanceType<Raw['NumberDataPoint']>, 'value' | 'asDouble' | 'asInt'>;
type RawPointBase = Pick<
  InstanceType<Raw['NumberDataPoint']>,
  'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'flags'
> & { exemplars?: RawExemplar[] };
type RawBuckets = InstanceType<Raw['ExponentialHistogramDataPoint']['Buckets']>;

type PointOf<T extends MetricPoint['type']> = Extract<MetricPoint, { type: T }>;
/** What every point of one metric shares: its metric, resource and scope. */
type MetricBase = Pick<MetricPoint, 'service' | 'resource' | 'scope' | 'name' | 'description' | 'unit'>;
type PointBase = Omit<PointOf<'gauge'>, 'type' | 'value'>;

function numberValue(point: RawNumberValue): number {
  // Which member of the `value` oneof is set; neither (a point without a value) reads as 0.
  switch (point.value) {
    case 'asInt':
      return point.asInt ? int64ToNumber(point.asInt) : 0;
    case 'asDouble':
      return point.asDouble ?? 0;
    default:
      return 0;
  }
}

function exemplarOf(exemplar: RawExemplar, path: string): PointBase['exemplars'][number] {
  return {
    timeUnixNano: uint64ToDecimal(exemplar.timeUnixNano),
    value: numberValue(exemplar),
    traceId: idBytesToHex(exemplar.traceId, 16, `${path}.traceId`),
    spanId: idBytesToHex(exemplar.spanId, 8, `${path}.spanId`),
    attributes: protoKeyValuesToAttributes(exemplar.filteredAttributes),
  };
}

function pointBase(metric: MetricBase, point: RawPointBase, path: string): PointBase {
  return {
    ...metric,
    attributes: protoKeyValuesToAttributes(point.attributes),
    startTimeUnixNano: uint64ToDecimal(point.startTimeUnixNano),
    timeUnixNano: uint64ToDecimal(point.timeUnixNano),
    // All 32 bits are kept; bit 0 marks a point with no recorded value (staleness).
    flags: point.flags,
    exemplars: (point.exemplars ?? []).map((exemplar, e) => exemplarOf(exemplar, `${path}.exemplars[${e}]`)),
  };
}

function temporalityOf(temporality: number, path: string): Temporality {
  // Proto3 enums are open: the wire may carry any int32, the data model defines 0-2 only.
  const name = TEMPORALITIES[temporality];
  if (name === undefined) {
    throw new OtlpDecodeError('invalid_otlp', `${path}.aggregationTemporality: expected 0-2, got ${temporality}`);
  }
  return name;
}

function buckets(raw: RawBuckets | null | undefined): PointOf<'exponential_histogram'>['positive'] {
  return { offset: raw?.offset ?? 0, bucketCounts: (raw?.bucketCounts ?? []).map(uint64ToNumber) };
}

/** One metric's points, in the order they appear; `path` is the metric's OTLP/JSON path. */
function pointsOf(metric: RawMetric, base: MetricBase, path: string): MetricPoint[] {
  switch (metric.data) {
    case 'gauge': {
      const gaugePath = `${path}.gauge.dataPoints`;
      return (metric.gauge?.dataPoints ?? []).map((point, p) => ({
        type: 'gauge',
        ...pointBase(base, point, `${gaugePath}[${p}]`),
        value: numberValue(point),
      }));
    }
    case 'sum': {
      const sum = metric.sum;
      if (!sum) return [];
      const temporality = temporalityOf(sum.aggregationTemporality, `${path}.sum`);
      return sum.dataPoints.map((point, p) => ({
        type: 'sum',
        ...pointBase(base, point, `${path}.sum.dataPoints[${p}]`),
        value: numberValue(point),
        temporality,
        monotonic: sum.isMonotonic,
      }));
    }
    case 'histogram': {
      const histogram = metric.histogram;
      if (!histogram) return [];
      const temporality = temporalityOf(histogram.aggregationTemporality, `${path}.histogram`);
      return histogram.dataPoints.map((point, p) => ({
        type: 'histogram',
        ...pointBase(base, point, `${path}.histogram.dataPoints[${p}]`),
        temporality,
        count: uint64ToNumber(point.count),
        sum: point.sum ?? null,
        min: point.min ?? null,
        max: point.max ?? null,
        bucketCounts: point.bucketCounts.map(uint64ToNumber),
        explicitBounds: point.explicitBounds,
      }));
    }
    case 'exponentialHistogram': {
      const histogram = metric.exponentialHistogram;
      if (!histogram) return [];
      const temporality = temporalityOf(histogram.aggregationTemporality, `${path}.exponentialHistogram`);
      return histogram.dataPoints.map((point, p) => ({
        type: 'exponential_histogram',
        ...pointBase(base, point, `${path}.exponentialHistogram.dataPoints[${p}]`),
        temporality,
        count: uint64ToNumber(point.count),
        sum: point.sum ?? null,
        min: point.min ?? null,
        max: point.max ?? null,
        scale: point.scale,
        zeroCount: uint64ToNumber(point.zeroCount),
        zeroThreshold: point.zeroThreshold,
        positive: buckets(point.positive),
        negative: buckets(point.negative),
      }));
    }
    case 'summary':
      return (metric.summary?.dataPoints ?? []).map((point, p) => {
        const pointPath = `${path}.summary.dataPoints[${p}]`;
        return {
          type: 'summary',
          ...pointBase(base, point, pointPath),
          count: uint64ToNumber(point.count),
          sum: point.sum,
          quantiles: point.quantileValues.map(({ quantile, value }, q) => {
            if (!(quantile >= 0 && quantile <= 1)) {
              throw new OtlpDecodeError(
                'invalid_otlp',
                `${pointPath}.quantileValues[${q}].quantile: expected 0-1, got ${quantile}`,
              );
            }
            return { quantile, value };
          }),
        };
      });
    default:
      // A metric without data (allowed by the proto, e.g. metadata only) has no points.
      return [];
  }
}

/**
 * A decoded request → its data points, flattened resourceMetrics → scopeMetrics → metrics →
 * points in request order. Points of one resource (scope) share its `resource` (`scope`) object.
 * Error paths use OTLP/JSON names.
 */
export function protoMetricsToPoints(request: RawMetricsRequest): MetricPoint[] {
  const points: MetricPoint[] = [];
  request.resourceMetrics.forEach((resourceMetrics, r) => {
    const origin = originOf(resourceMetrics.resource);
    resourceMetrics.scopeMetrics.forEach((scopeMetrics, s) => {
      const scope = scopeOf(scopeMetrics.scope);
      scopeMetrics.metrics.forEach((metric, m) => {
        const path = `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}]`;
        // The contracts (and every metric store) key series by name; OTLP requires one too.
        if (metric.name === '' && metric.data !== undefined) {
          throw new OtlpDecodeError('invalid_otlp', `${path}.name: expected a non-empty metric name`);
        }
        const base: MetricBase = {
          ...origin,
          scope,
          name: metric.name,
          description: metric.description,
          unit: metric.unit,
        };
        for (const point of pointsOf(metric, base, path)) points.push(point);
      });
    });
  });
  return points;
}
