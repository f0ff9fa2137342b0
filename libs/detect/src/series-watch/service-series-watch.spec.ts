import type { AnomalyEvent, MetricPoint, SpanSignal } from '@vigil/contracts';
import { bucketQuantile } from './bucket-quantile';
import { ServiceSeriesWatch } from './service-series-watch';

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const MIN = 60_000;

function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = { service: 'payments', resource: {}, scope: { name: 's', version: '' }, description: '', unit: '', startTimeUnixNano: '0', flags: 0, exemplars: [] };

function gauge(ms: number, value: number): MetricPoint {
  return { ...base, type: 'gauge', name: 'queue.depth', attributes: { queue: 'settlements' }, timeUnixNano: `${ms}000000`, value };
}

function counter(ms: number, total: number, start: number): MetricPoint {
  return { ...base, type: 'sum', name: 'payments.charged', attributes: {}, startTimeUnixNano: `${start}000000`, timeUnixNano: `${ms}000000`, value: total, temporality: 'cumulative', monotonic: true };
}

function span(ms: number, error: boolean, durationMs: number): SpanSignal {
  return { name: 'POST /charge', kind: 'server', endTimeUnixNano: `${ms}000000`, durationMs, error, traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parentSpanId: null };
}

describe('bucketQuantile', () => {
  it('interpolates within the bucket holding the rank and handles the open bucket', () => {
    expect(bucketQuantile([0, 10, 0], [10, 20], 0.5)).toBe(15);
    expect(bucketQuantile([5, 5], [10], 0.99, 42)).toBe(42);
    expect(bucketQuantile([0, 0], [10], 0.5)).toBeNull();
  });
});

describe('ServiceSeriesWatch', () => {
  it('opens one episode on a level shift of a gauge, with the expected band, and recovers after it', () => {
    const random = seeded(7);
    const watch = new ServiceSeriesWatch('payments');
    const findings: AnomalyEvent[] = [];
    for (let m = 0; m < 720; m++) {
      const shifted = m >= 600 && m < 615;
      findings.push(...watch.observeMetric("queue", gauge(T0 + m * MIN + 5000, (shifted ? 400 : 100) + random() * 10)));
    }
    const before = findings.filter((f) => Number(f.timeUnixNano.slice(0, -6)) < T0 + 600 * MIN);
    expect(before).toEqual([]);
    const episode = findings.filter((f) => f.signal === 'queue');
    expect(episode[0]).toMatchObject({ status: 'open', kind: 'metric', service: 'payments' });
    expect(Number(episode[0]?.timeUnixNano.slice(0, -6))).toBeLessThanOrEqual(T0 + 602 * MIN);
    expect(episode[0]?.observed).toBeGreaterThan(390);
    expect(episode[0]?.expected).toBeLessThan(150);
    expect(episode[0]?.summary).toMatch(/queue\.depth\{queue=settlements\}/);
    expect(episode.at(-1)?.status).toBe('recover');
    expect(new Set(episode.map((f) => f.id)).size).toBe(1);
    expect(episode.filter((f) => f.status === 'open')).toHaveLength(1);
  });

  it('turns a cumulative counter into a rate and flags its jump', () => {
    const random = seeded(3);
    const watch = new ServiceSeriesWatch('payments');
    const findings: AnomalyEvent[] = [];
    let total = 0;
    for (let m = 0; m < 700; m++) {
      total += (m >= 600 && m < 610 ? 3000 : 600) + Math.floor(random() * 60);
      findings.push(...watch.observeMetric("charged", counter(T0 + m * MIN + 1000, total, T0)));
    }
    const opened = findings.find((f) => f.signal === 'charged#rate' && f.status === 'open');
    expect(opened).toBeDefined();
    expect(opened?.observed).toBeGreaterThan(45); // ~3000/min = 50/s
  });

  it('flags a surge in a span error ratio with failed spans as evidence', () => {
    const random = seeded(11);
    const watch = new ServiceSeriesWatch('payments');
    const findings: AnomalyEvent[] = [];
    for (let m = 0; m < 700; m++) {
      for (let i = 0; i < 30; i++) {
        const failing = m >= 620 && m < 630 ? random() < 0.5 : random() < 0.01;
        findings.push(...watch.observeSpan(span(T0 + m * MIN + i * 1900, failing, 20 + random() * 30)));
      }
    }
    const errors = findings.filter((f) => f.signal === 'span:server:POST /charge#errors');
    expect(errors[0]).toMatchObject({ status: 'open', kind: 'span_red' });
    expect(errors[0]?.evidence.some((e) => e.severityNumber === 17 && e.traceId === 'ab'.repeat(16))).toBe(true);
    expect(findings.filter((f) => f.status === 'open' && Number(f.timeUnixNano.slice(0, -6)) < T0 + 620 * MIN)).toEqual([]);
  });

  it('resumes from serialized state exactly, and counts late points instead of judging them', () => {
    const run = (split: number | null): AnomalyEvent[] => {
      const random = seeded(5);
      let watch = new ServiceSeriesWatch('payments');
      const out: AnomalyEvent[] = [];
      for (let m = 0; m < 500; m++) {
        if (m === split) watch = new ServiceSeriesWatch('payments', {}, JSON.parse(JSON.stringify(watch.state())));
        out.push(...watch.observeMetric("queue", gauge(T0 + m * MIN, (m > 450 && m < 460 ? 250 : 100) + random() * 5)));
      }
      return out;
    };
    const whole = run(null);
    expect(whole.length).toBeGreaterThan(0);
    expect(run(455)).toEqual(whole);
    const watch = new ServiceSeriesWatch('payments');
    watch.observeMetric("queue", gauge(T0 + 10 * MIN, 1));
    watch.observeMetric("queue", gauge(T0 + 13 * MIN, 1));
    watch.observeMetric("queue", gauge(T0 + 2 * MIN, 1));
    expect(watch.latePoints).toBe(1);
  });

  it('watches at most maxSeries series per service and counts the points it leaves out', () => {
    const watch = new ServiceSeriesWatch('payments', { maxSeries: 10 });
    for (let user = 0; user < 50; user++) watch.observeMetric(`q-${user}`, { ...gauge(T0 + user * 1000, 1), attributes: { user: String(user) } });
    expect(watch.seriesCount).toBe(10);
    expect(watch.overflowPoints).toBe(40);
    watch.observeMetric('q-3', gauge(T0 + 60_000, 1)); // a known series is still watched
    expect(watch.overflowPoints).toBe(40);
    const restored = new ServiceSeriesWatch('payments', { maxSeries: 10 }, JSON.parse(JSON.stringify(watch.state())));
    restored.observeMetric('q-99', gauge(T0 + 61_000, 1));
    expect(restored.seriesCount).toBe(10);
    expect(restored.overflowPoints).toBe(41);
  });

  it('restarts a series whose saved detector state it cannot read, instead of failing the service', () => {
    const watch = new ServiceSeriesWatch('payments');
    for (let m = 0; m < 5; m++) watch.observeMetric('queue', gauge(T0 + m * MIN, 10));
    const saved = JSON.parse(JSON.stringify(watch.state())) as { series: Record<string, { det: { version: number } | null; n: number }> };
    const queue = saved.series['queue'];
    if (!queue?.det) throw new Error('expected a detector state');
    queue.det.version = -1; // as if written by another version of the detector
    const resumed = new ServiceSeriesWatch('payments', {}, saved as never);
    expect(() => resumed.observeMetric('queue', gauge(T0 + 9 * MIN, 10))).not.toThrow();
    expect((resumed.state().series['queue'] as { n: number }).n).toBeLessThan(queue.n + 1);
  });

  it('never emits a NaN or an out-of-range score on hostile values', () => {
    const watch = new ServiceSeriesWatch('payments');
    const findings: AnomalyEvent[] = [];
    const values = [NaN, Infinity, -Infinity, 1e300, -1e300, 0, 5];
    for (let m = 0; m < 300; m++) findings.push(...watch.observeMetric("queue", gauge(T0 + m * MIN, values[m % values.length] as number)));
    for (const f of findings) {
      expect(Number.isFinite(f.score)).toBe(true);
      expect(f.score).toBeGreaterThanOrEqual(0);
      expect(f.score).toBeLessThanOrEqual(1);
    }
  });
});
