import { ValueType } from '@opentelemetry/api';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import type { MetricPoint } from '@vigil/contracts';
import { sdkMetrics, serializeMetrics, type SdkMetrics } from './fixtures/sdk-metrics.fixture';
import { CumulativeToDelta, decodeMetricsRequest, metricSeriesKey, type CumulativeToDeltaSnapshot } from './index';

type PointOf<T extends MetricPoint['type']> = Extract<MetricPoint, { type: T }>;

const RESOURCE = { 'service.name': 'checkout' };
const VIEWS = [{ instrumentName: 'rpc.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }];

/** The SDK clock has millisecond resolution: collections must be apart to get distinct times. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3));

/** One SDK collection, through the SDK's protobuf serializer and our decoder. */
async function collect(sdk: SdkMetrics): Promise<MetricPoint[]> {
  await tick();
  return decodeMetricsRequest(serializeMetrics(await sdk.collect(), 'otlp_proto'), 'otlp_proto');
}

function byName<T extends MetricPoint['type']>(points: MetricPoint[], name: string, type: T): PointOf<T> {
  const point = points.find((p) => p.name === name);
  if (point?.type !== type) throw new Error(`no ${type} point named ${name}`);
  return point as PointOf<T>;
}

function record(sdk: SdkMetrics, requests: number, durations: number[], sizes: number[]): void {
  const meter = sdk.meter('checkout');
  meter.createCounter('http.requests', { valueType: ValueType.INT }).add(requests, { route: '/pay' });
  const duration = meter.createHistogram('http.duration', { advice: { explicitBucketBoundaries: [10, 100] } });
  for (const value of durations) duration.record(value);
  const size = meter.createHistogram('rpc.size');
  for (const value of sizes) size.record(value);
}

describe('CumulativeToDelta on SDK cumulative collections', () => {
  let sdk: SdkMetrics;
  let first: MetricPoint[];
  let second: MetricPoint[];
  let converter: CumulativeToDelta;

  beforeAll(async () => {
    sdk = sdkMetrics({ resource: RESOURCE, views: VIEWS });
    record(sdk, 3, [5, 50], [2, 4]);
    sdk.meter('checkout').createObservableGauge('cpu.temp').addCallback((result) => result.observe(70));
    first = await collect(sdk);
    record(sdk, 2, [500], [4, 8, 1024]);
    second = await collect(sdk);
    await sdk.shutdown();
  });

  beforeEach(() => {
    converter = new CumulativeToDelta();
  });

  it('gives null for the first point of each series: there is nothing to diff against', () => {
    expect(first.filter((p) => p.type !== 'gauge').map((p) => converter.convert(p))).toStrictEqual([null, null, null]);
    expect(converter.size).toBe(3);
  });

  it('turns the next cumulative sum into the increase since the previous point', () => {
    for (const p of first) converter.convert(p);
    const previous = byName(first, 'http.requests', 'sum');
    const current = byName(second, 'http.requests', 'sum');
    expect(current).toMatchObject({ value: 5, temporality: 'cumulative' });
    expect(converter.convert(current)).toStrictEqual({
      ...current,
      value: 2,
      temporality: 'delta',
      startTimeUnixNano: previous.timeUnixNano,
    });
  });

  it('diffs explicit-bucket histograms bucket by bucket; min and max become unknown', () => {
    for (const p of first) converter.convert(p);
    const current = byName(second, 'http.duration', 'histogram');
    expect(current).toMatchObject({ count: 3, sum: 555, bucketCounts: [1, 1, 1] });
    expect(converter.convert(current)).toStrictEqual({
      ...current,
      temporality: 'delta',
      startTimeUnixNano: byName(first, 'http.duration', 'histogram').timeUnixNano,
      count: 1,
      sum: 500,
      min: null,
      max: null,
      bucketCounts: [0, 0, 1],
    });
  });

  it('diffs exponential histograms, across the SDK lowering the scale as the range grows', () => {
    for (const p of first) converter.convert(p);
    const before = byName(first, 'rpc.size', 'exponential_histogram');
    const current = byName(second, 'rpc.size', 'exponential_histogram');
    expect(current.scale).toBeLessThan(before.scale);
    const delta = converter.convert(current);
    if (delta?.type !== 'exponential_histogram') throw new Error('expected an exponential histogram delta');
    expect(delta).toMatchObject({ temporality: 'delta', count: 3, sum: 1036, min: null, max: null, zeroCount: 0 });
    expect(delta.scale).toBe(current.scale);
    expect(delta.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(delta.positive.bucketCounts.every((count) => count >= 0)).toBe(true);
  });

  it('passes gauges through untouched, as the same object', () => {
    const gauge = byName(first, 'cpu.temp', 'gauge');
    expect(converter.convert(gauge)).toBe(gauge);
    expect(converter.size).toBe(0);
  });

  it('gives null for a duplicate or an out-of-order point, and keeps diffing against the newest', () => {
    const [a, b] = [byName(first, 'http.requests', 'sum'), byName(second, 'http.requests', 'sum')];
    expect(converter.convert(a)).toBeNull();
    expect(converter.convert(b)).toMatchObject({ value: 2 });
    expect(converter.convert(b)).toBeNull();
    expect(converter.convert(a)).toBeNull();
    const later = { ...b, value: 9, timeUnixNano: (BigInt(b.timeUnixNano) + 1_000_000n).toString() };
    expect(converter.convert(later)).toMatchObject({ value: 4, startTimeUnixNano: b.timeUnixNano });
  });

  it('detects an SDK restart by its new start time and emits the restarted value as the delta', async () => {
    for (const p of second) converter.convert(p);
    const restarted = sdkMetrics({ resource: RESOURCE, views: VIEWS });
    await tick();
    record(restarted, 4, [5], [2]);
    const afterRestart = await collect(restarted);
    await restarted.shutdown();
    const current = byName(afterRestart, 'http.requests', 'sum');
    expect(current.startTimeUnixNano).not.toBe(byName(second, 'http.requests', 'sum').startTimeUnixNano);
    expect(converter.convert(current)).toStrictEqual({ ...current, temporality: 'delta' });
    const histogram = byName(afterRestart, 'http.duration', 'histogram');
    expect(converter.convert(histogram)).toStrictEqual({ ...histogram, temporality: 'delta' });
  });
});

describe('CumulativeToDelta on edge cases the SDK does not produce', () => {
  let base: PointOf<'sum'>;

  beforeAll(async () => {
    const sdk = sdkMetrics({ resource: RESOURCE });
    sdk.meter('checkout').createCounter('jobs').add(10);
    sdk.meter('checkout').createUpDownCounter('queue.depth').add(1);
    base = byName(await collect(sdk), 'jobs', 'sum');
    await sdk.shutdown();
  });

  const at = (ms: number, value: number, overrides: Partial<PointOf<'sum'>> = {}): PointOf<'sum'> => ({
    ...base,
    timeUnixNano: (BigInt(base.startTimeUnixNano) + BigInt(ms) * 1_000_000n).toString(),
    value,
    ...overrides,
  });

  it('treats a decrease of a monotonic sum with the same start time as a restart', () => {
    const converter = new CumulativeToDelta();
    converter.convert(at(10, 100));
    expect(converter.convert(at(20, 130))).toMatchObject({ value: 30 });
    expect(converter.convert(at(30, 7))).toStrictEqual({ ...at(30, 7), temporality: 'delta' });
    expect(converter.convert(at(40, 10))).toMatchObject({ value: 3, startTimeUnixNano: at(30, 7).timeUnixNano });
  });

  it('treats a new start time as a restart even when the value went up', () => {
    const converter = new CumulativeToDelta();
    converter.convert(at(10, 100));
    const restarted = at(20, 150, { startTimeUnixNano: at(15, 0).timeUnixNano });
    expect(converter.convert(restarted)).toStrictEqual({ ...restarted, temporality: 'delta' });
    expect(converter.convert(at(30, 160, { startTimeUnixNano: restarted.startTimeUnixNano }))).toMatchObject({
      value: 10,
      startTimeUnixNano: restarted.timeUnixNano,
    });
  });

  it('gives negative deltas for a non-monotonic sum instead of a restart', () => {
    const converter = new CumulativeToDelta();
    converter.convert(at(10, 5, { monotonic: false }));
    expect(converter.convert(at(20, 2, { monotonic: false }))).toMatchObject({ value: -3, temporality: 'delta' });
  });

  it('forgets a series on a "no recorded value" point', () => {
    const converter = new CumulativeToDelta();
    converter.convert(at(10, 5));
    expect(converter.convert(at(20, 6, { flags: 1 }))).toBeNull();
    expect(converter.convert(at(30, 8))).toBeNull();
    expect(converter.convert(at(40, 9))).toMatchObject({ value: 1 });
  });

  it('passes delta points through untouched', () => {
    const delta = at(10, 5, { temporality: 'delta' });
    expect(new CumulativeToDelta().convert(delta)).toBe(delta);
  });

  it('evicts the least recently seen series beyond maxSeries', () => {
    const converter = new CumulativeToDelta(undefined, { maxSeries: 2 });
    const series = (name: string, ms: number, value: number) => at(ms, value, { name });
    converter.convert(series('a', 10, 1));
    converter.convert(series('b', 10, 1));
    expect(converter.convert(series('a', 20, 2))).toMatchObject({ value: 1 }); // a is now the most recent
    converter.convert(series('c', 10, 1)); // evicts b
    expect(converter.size).toBe(2);
    expect(converter.convert(series('b', 30, 5))).toBeNull(); // forgotten: a first point again (evicts a)
    expect(converter.convert(series('c', 30, 4))).toMatchObject({ value: 3 });
    expect(converter.convert(series('a', 30, 4))).toBeNull();
  });

  it('snapshot → JSON → restore continues exactly like the original', () => {
    const original = new CumulativeToDelta(undefined, { maxSeries: 3 });
    // Four series, one more than maxSeries: d evicts c, so eviction is part of the state.
    const rounds = [['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'b', 'd'], ['a', 'b', 'd', 'c']];
    const points = rounds.flatMap((names, round) =>
      names.map((name, i) => at(10 * (round + 1) + i, 10 * (round + 1) * (i + 1), { name, monotonic: i % 2 === 0 })),
    );
    for (const p of points.slice(0, 7)) original.convert(p);
    const snapshot = original.snapshot();
    const frozen = JSON.stringify(snapshot);
    const restored = new CumulativeToDelta(JSON.parse(frozen) as CumulativeToDeltaSnapshot, { maxSeries: 3 });
    const rest = points.slice(7);
    const expected = rest.map((p) => original.convert(p));
    expect(rest.map((p) => restored.convert(p))).toStrictEqual(expected);
    expect(expected.map((p) => (p?.type === 'sum' ? p.value : null))).toStrictEqual([20, 30, 10, 20, 30, null]);
    expect(restored.snapshot()).toStrictEqual(original.snapshot());
    // The snapshot taken earlier is a value, not a view of the live state.
    expect(JSON.stringify(snapshot)).toBe(frozen);
    expect(snapshot.series.map(([, state]) => state.last)).toStrictEqual([
      { type: 'sum', value: 40 },
      { type: 'sum', value: 60 },
      { type: 'sum', value: 30 },
    ]);
  });

  it('rejects a snapshot that is not one, and a bad maxSeries', () => {
    const bogus = { version: 1, series: [['k', { startTimeUnixNano: 'x' }]] } as unknown as CumulativeToDeltaSnapshot;
    expect(() => new CumulativeToDelta(bogus)).toThrow(TypeError);
    expect(() => new CumulativeToDelta(undefined, { maxSeries: 0 })).toThrow(RangeError);
  });

  it('diffs exponential histogram buckets across a scale change and offset shift', () => {
    const histogram = (ms: number, scale: number, offset: number, bucketCounts: number[]): MetricPoint => ({
      ...base,
      type: 'exponential_histogram',
      temporality: 'cumulative',
      timeUnixNano: at(ms, 0).timeUnixNano,
      count: bucketCounts.reduce((a, b) => a + b, 0),
      sum: null,
      min: null,
      max: null,
      scale,
      zeroCount: 0,
      zeroThreshold: 0,
      positive: { offset, bucketCounts },
      negative: { offset: 0, bucketCounts: [] },
    });
    const converter = new CumulativeToDelta();
    converter.convert(histogram(10, 2, 5, [1, 2, 3])); // indexes 5, 6, 7 at scale 2 → 2, 3, 3 at scale 1
    expect(converter.convert(histogram(20, 1, 1, [1, 2, 6]))).toMatchObject({
      scale: 1,
      count: 3,
      positive: { offset: 1, bucketCounts: [1, 1, 1] },
    });
    // A bucket that lost counts cannot come from the same cumulative run: a restart.
    expect(converter.convert(histogram(30, 1, 1, [1, 2, 5]))).toMatchObject({
      temporality: 'delta',
      count: 8,
      positive: { offset: 1, bucketCounts: [1, 2, 5] },
    });
  });
});

describe('metricSeriesKey', () => {
  const point: PointOf<'gauge'> = {
    type: 'gauge',
    service: 'checkout',
    resource: { 'service.name': 'checkout', 'host.name': 'h1' },
    scope: { name: 's', version: '' },
    name: 'cpu.temp',
    description: '',
    unit: 'Cel',
    attributes: { core: 0, labels: { b: 1, a: [1, 2] } },
    startTimeUnixNano: '0',
    timeUnixNano: '1',
    flags: 0,
    exemplars: [],
    value: 1,
  };

  it('is a 16-hex-digit FNV-1a 64, independent of key order, time, value and scope', () => {
    const key = metricSeriesKey(point);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    const reordered: MetricPoint = {
      ...point,
      resource: { 'host.name': 'h1', 'service.name': 'checkout' },
      attributes: { labels: { a: [1, 2], b: 1 }, core: 0 },
      timeUnixNano: '99',
      value: 7,
      scope: { name: 'other', version: '2' },
    };
    expect(metricSeriesKey(reordered)).toBe(key);
  });

  it.each<[string, Partial<PointOf<'gauge'>>]>([
    ['name', { name: 'cpu.temp2' }],
    ['unit', { unit: 'K' }],
    ['resource', { resource: { 'service.name': 'checkout', 'host.name': 'h2' } }],
    ['attributes', { attributes: { core: 1, labels: { b: 1, a: [1, 2] } } }],
    ['array order', { attributes: { core: 0, labels: { b: 1, a: [2, 1] } } }],
  ])('changes with the %s', (_, change) => {
    expect(metricSeriesKey({ ...point, ...change })).not.toBe(metricSeriesKey(point));
  });

  it('changes with the type', () => {
    const sum: MetricPoint = { ...point, type: 'sum', temporality: 'cumulative', monotonic: true };
    expect(metricSeriesKey(sum)).not.toBe(metricSeriesKey(point));
  });
});
