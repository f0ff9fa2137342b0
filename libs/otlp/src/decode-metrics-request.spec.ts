import { ValueType } from '@opentelemetry/api';
import { AggregationType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { metricPointSchema, type MetricPoint, type OtlpEncoding } from '@vigil/contracts';
import { editJson } from './fixtures/sdk-logs.fixture';
import { sdkMetricPoints } from './fixtures/sdk-metric-points.oracle';
import { sdkMetrics, serializeMetrics } from './fixtures/sdk-metrics.fixture';
import { opentelemetry } from './generated/otlp';
import { decodeMetricsRequest, parseOtlpExportRequest } from './index';
import { bigIntToLong } from './otlp-json-scalars.schema';

const ENCODINGS: OtlpEncoding[] = ['otlp_proto', 'otlp_json'];
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

type Json = Record<string, never> & { [key: string]: Json };

let cumulative: ResourceMetrics;
let delta: ResourceMetrics;
const decoded: Record<OtlpEncoding, MetricPoint[]> = { otlp_proto: [], otlp_json: [] };

beforeAll(async () => {
  const sdk = sdkMetrics({
    resource: { 'service.name': 'checkout', 'host.name': 'h1' },
    views: [
      {
        instrumentName: 'http.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [10, 100] } },
      },
      { instrumentName: 'rpc.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = sdk.meter('checkout.metrics', '2.0.0');
  const requests = meter.createCounter('http.requests', { unit: '{request}', valueType: ValueType.INT });
  requests.add(3, { route: '/pay' });
  requests.add(2, { route: '/pay' });
  requests.add(1, { route: '/refund' });
  meter.createCounter('payment.amount', { unit: 'EUR', description: 'money taken' }).add(12.25);
  const depth = meter.createUpDownCounter('queue.depth');
  depth.add(5);
  depth.add(-7);
  const duration = meter.createHistogram('http.duration', { unit: 'ms' });
  for (const value of [5, 50, 500]) duration.record(value, { route: '/pay' });
  const size = meter.createHistogram('rpc.size', { unit: 'By' });
  for (const value of [0, 1500, 3000]) size.record(value);
  meter.createObservableGauge('cpu.temp', { unit: 'Cel' }).addCallback((result) => {
    result.observe(71.5, { core: 0 });
    result.observe(68, { core: 1 });
  });
  meter
    .createObservableGauge('pool.size', { valueType: ValueType.INT })
    .addCallback((result) => result.observe(8, { pool: 'db' }));
  cumulative = await sdk.collect();
  await sdk.shutdown();

  const deltaSdk = sdkMetrics({ resource: { 'service.name': 'billing' }, temporality: 'delta' });
  deltaSdk.meter('billing').createCounter('invoices').add(4);
  delta = await deltaSdk.collect();
  await deltaSdk.shutdown();

  for (const encoding of ENCODINGS) {
    decoded[encoding] = decodeMetricsRequest(serializeMetrics(cumulative, encoding), encoding);
  }
});

function point(encoding: OtlpEncoding, name: string, index = 0): MetricPoint | undefined {
  return decoded[encoding].filter((p) => p.name === name)[index];
}

describe.each(ENCODINGS)('decodeMetricsRequest(%s) of SDK-serialized metrics', (encoding) => {
  it('gives exactly the points the SDK collected, in order', () => {
    expect(decoded[encoding]).toHaveLength(9);
    expect(decoded[encoding]).toStrictEqual(sdkMetricPoints(cumulative));
  });

  it('maps a monotonic cumulative int sum, one point per attribute set', () => {
    expect(point(encoding, 'http.requests')).toMatchObject({
      type: 'sum',
      service: 'checkout',
      resource: { 'service.name': 'checkout', 'host.name': 'h1' },
      scope: { name: 'checkout.metrics', version: '2.0.0' },
      unit: '{request}',
      attributes: { route: '/pay' },
      value: 5,
      temporality: 'cumulative',
      monotonic: true,
      flags: 0,
      exemplars: [],
    });
    expect(point(encoding, 'http.requests', 1)).toMatchObject({ attributes: { route: '/refund' }, value: 1 });
    expect(point(encoding, 'payment.amount')).toMatchObject({ value: 12.25, description: 'money taken', unit: 'EUR' });
    expect(point(encoding, 'queue.depth')).toMatchObject({ type: 'sum', value: -2, monotonic: false });
  });

  it('maps double and int gauges', () => {
    expect(point(encoding, 'cpu.temp')).toMatchObject({ type: 'gauge', value: 71.5, attributes: { core: 0 } });
    expect(point(encoding, 'cpu.temp', 1)).toMatchObject({ type: 'gauge', value: 68, attributes: { core: 1 } });
    expect(point(encoding, 'pool.size')).toMatchObject({ type: 'gauge', value: 8, attributes: { pool: 'db' } });
  });

  it('maps an explicit-bucket histogram', () => {
    expect(point(encoding, 'http.duration')).toMatchObject({
      type: 'histogram',
      temporality: 'cumulative',
      count: 3,
      sum: 555,
      min: 5,
      max: 500,
      bucketCounts: [1, 1, 1],
      explicitBounds: [10, 100],
    });
  });

  it('maps an exponential histogram', () => {
    const histogram = point(encoding, 'rpc.size');
    expect(histogram).toMatchObject({
      type: 'exponential_histogram',
      temporality: 'cumulative',
      count: 3,
      sum: 4500,
      min: 0,
      max: 3000,
      zeroCount: 1,
      zeroThreshold: 0,
      negative: { offset: 0, bucketCounts: [] },
    });
    if (histogram?.type !== 'exponential_histogram') throw new Error('not an exponential histogram');
    expect(histogram.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(Number.isInteger(histogram.scale)).toBe(true);
  });

  it('maps delta temporality', () => {
    expect(decodeMetricsRequest(serializeMetrics(delta, encoding), encoding)).toStrictEqual(sdkMetricPoints(delta));
    expect(decodeMetricsRequest(serializeMetrics(delta, encoding), encoding)[0]).toMatchObject({
      type: 'sum',
      value: 4,
      temporality: 'delta',
      service: 'billing',
    });
  });

  it('produces points that satisfy the contracts schema', () => {
    for (const p of decoded[encoding]) expect(metricPointSchema.parse(p)).toStrictEqual(p);
  });
});

describe('decodeMetricsRequest beyond what the JS SDK writes', () => {
  /** SDK JSON with exemplars and flags added to the first http.requests point. */
  const withExemplars = (): Uint8Array =>
    editJson(serializeMetrics(cumulative, 'otlp_json'), (request) => {
      const scope = (request as unknown as Json)['resourceMetrics']['0']['scopeMetrics']['0'];
      const metrics = scope['metrics'] as unknown as Json[];
      const sum = metrics.find((m) => (m['name'] as unknown) === 'http.requests')?.['sum'];
      Object.assign(sum?.['dataPoints']['0'] ?? {}, {
        flags: 1,
        exemplars: [
          {
            timeUnixNano: '1700000000000000005',
            asInt: '-9007199254740993',
            traceId: TRACE_ID.toUpperCase(),
            spanId: SPAN_ID,
            filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }],
          },
          { timeUnixNano: 1_700_000_000_000_000_000, asDouble: 0.5 },
        ],
      });
    });

  it('maps exemplars (hex ids, int and double values) and flags, from JSON and, via our encoder, protobuf', () => {
    const json = withExemplars();
    // The SDK writes no exemplars; the protobuf form comes from our own encoder.
    const proto = parseOtlpExportRequest('metrics', json, 'otlp_json').toProto();
    for (const [payload, encoding] of [[json, 'otlp_json'], [proto, 'otlp_proto']] as const) {
      const points = decodeMetricsRequest(payload, encoding);
      const first = points.find((p) => p.name === 'http.requests');
      expect(first).toMatchObject({ attributes: { route: '/pay' }, flags: 1 });
      expect(points.filter((p) => p.exemplars.length > 0)).toStrictEqual([first]);
      expect(first?.exemplars).toStrictEqual([
        {
          timeUnixNano: '1700000000000000005',
          value: -9007199254740992,
          traceId: TRACE_ID,
          spanId: SPAN_ID,
          attributes: { user: 'u1' },
        },
        { timeUnixNano: '1700000000000000000', value: 0.5, traceId: null, spanId: null, attributes: {} },
      ]);
      expect(metricPointSchema.parse(first)).toStrictEqual(first);
    }
  });

  it('maps summaries (built with our generated encoder: the JS SDK has no summary instrument)', () => {
    const v1 = opentelemetry.proto.metrics.v1;
    const request = new opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest({
      resourceMetrics: [
        new v1.ResourceMetrics({
          scopeMetrics: [
            new v1.ScopeMetrics({
              metrics: [
                new v1.Metric({
                  name: 'rpc.latency',
                  unit: 's',
                  summary: new v1.Summary({
                    dataPoints: [
                      new v1.SummaryDataPoint({
                        startTimeUnixNano: bigIntToLong(1_700_000_000_000_000_000n, true),
                        timeUnixNano: bigIntToLong(1_700_000_060_000_000_000n, true),
                        count: bigIntToLong(10n, true),
                        sum: 4.5,
                        quantileValues: [
                          new v1.SummaryDataPoint.ValueAtQuantile({ quantile: 0.5, value: 0.3 }),
                          new v1.SummaryDataPoint.ValueAtQuantile({ quantile: 0.99, value: 1.2 }),
                        ],
                      }),
                    ],
                  }),
                }),
              ],
            }),
          ],
        }),
      ],
    });
    const proto = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.encode(request).finish();
    const json = parseOtlpExportRequest('metrics', proto, 'otlp_proto').toJson();
    const expected: MetricPoint = {
      type: 'summary',
      service: 'unknown_service',
      resource: {},
      scope: { name: '', version: '' },
      name: 'rpc.latency',
      description: '',
      unit: 's',
      attributes: {},
      startTimeUnixNano: '1700000000000000000',
      timeUnixNano: '1700000060000000000',
      flags: 0,
      exemplars: [],
      count: 10,
      sum: 4.5,
      quantiles: [
        { quantile: 0.5, value: 0.3 },
        { quantile: 0.99, value: 1.2 },
      ],
    };
    expect(decodeMetricsRequest(proto, 'otlp_proto')).toStrictEqual([expected]);
    expect(decodeMetricsRequest(json, 'otlp_json')).toStrictEqual([expected]);
    expect(metricPointSchema.parse(expected)).toStrictEqual(expected);
  });

  it('accepts enum names and 64-bit strings, and keeps histogram sum/min/max null when absent', () => {
    const payload = Buffer.from(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'h',
                    histogram: {
                      aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                      dataPoints: [{ count: '2', bucketCounts: ['2'], timeUnixNano: '1700000000000000001' }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(decodeMetricsRequest(payload, 'otlp_json')).toMatchObject([
      { type: 'histogram', temporality: 'delta', count: 2, sum: null, min: null, max: null, bucketCounts: [2] },
    ]);
  });
});
