import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

export interface MetricFixture {
  service: string;
  /** Counter name → amounts added (one `add` each). */
  counters?: Record<string, number[]>;
  /** Histogram name → recorded values. */
  histograms?: Record<string, number[]>;
  /** Gauge name → the value observed. */
  gauges?: Record<string, number>;
  attributes?: Record<string, string>;
}

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * A real OTLP metrics export request (one collection) from the OpenTelemetry JS SDK. Delta
 * temporality by default, so the sum of what was recorded is what a rollup must show.
 */
export async function otlpMetricsRequest(
  fixture: MetricFixture,
  options: { encoding?: 'otlp_proto' | 'otlp_json'; temporality?: 'delta' | 'cumulative' } = {},
): Promise<Buffer> {
  const temporality = options.temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': fixture.service }), readers: [reader] });
  const meter = provider.getMeter('vigil-tests', '1.0.0');
  const attributes = fixture.attributes ?? {};
  for (const [name, amounts] of Object.entries(fixture.counters ?? {})) {
    const counter = meter.createCounter(name);
    for (const amount of amounts) counter.add(amount, attributes);
  }
  for (const [name, values] of Object.entries(fixture.histograms ?? {})) {
    const histogram = meter.createHistogram(name, { unit: 'ms' });
    for (const value of values) histogram.record(value, attributes);
  }
  for (const [name, value] of Object.entries(fixture.gauges ?? {})) {
    meter.createGauge(name).record(value, attributes);
  }
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  await provider.shutdown();
  const serializer = (options.encoding ?? 'otlp_proto') === 'otlp_proto' ? ProtobufMetricsSerializer : JsonMetricsSerializer;
  const bytes = serializer.serializeRequest(resourceMetrics);
  if (!bytes) throw new Error('the OpenTelemetry serializer returned nothing');
  return Buffer.from(bytes);
}
