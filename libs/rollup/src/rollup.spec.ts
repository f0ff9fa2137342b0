import type { MetricPoint, NormalizedLogRecord, NormalizedSpan } from '@vigil/contracts';
import { EvidenceSampler } from './evidence-sampler';
import { LogCountRollup } from './log-count.rollup';
import { MetricRollup } from './metric.rollup';
import { severityBucket } from './severity';
import { DURATION_BOUNDS_MS, SpanRedRollup } from './span-red.rollup';
import { minuteOf } from './time-bucket';

const origin = { service: 'payments', resource: { 'service.name': 'payments' }, scope: { name: 's', version: '1' } };
const ns = (isoTime: string): string => `${Date.parse(isoTime)}000000`;

describe('time and severity buckets', () => {
  it('floors nanosecond strings to the minute', () => {
    expect(minuteOf(ns('2026-11-24T10:15:59.999Z'))).toBe(Date.parse('2026-11-24T10:15:00Z') / 1000);
    expect(minuteOf('0')).toBe(0);
  });
  it('maps OTel severity numbers to buckets', () => {
    expect([0, 1, 4, 5, 9, 13, 17, 20, 21, 24, 25].map(severityBucket)).toEqual([
      'unspecified', 'trace', 'trace', 'debug', 'info', 'warn', 'error', 'error', 'fatal', 'fatal', 'unspecified',
    ]);
  });
});

describe('LogCountRollup', () => {
  it('counts per service, severity and minute', () => {
    const rollup = new LogCountRollup();
    const log = (service: string, severityNumber: number, t: string): NormalizedLogRecord => ({
      ...origin, service, timeUnixNano: ns(t), observedTimeUnixNano: ns(t), severityNumber, severityText: '', body: 'x',
      attributes: {}, traceId: null, spanId: null, flags: 0, eventName: '',
    });
    rollup.add(log('a', 9, '2026-11-24T10:00:01Z'));
    rollup.add(log('a', 10, '2026-11-24T10:00:59Z'));
    rollup.add(log('a', 17, '2026-11-24T10:00:30Z'));
    rollup.add(log('a', 9, '2026-11-24T10:01:00Z'));
    rollup.add(log('b', 9, '2026-11-24T10:00:00Z'));
    const m0 = Date.parse('2026-11-24T10:00:00Z') / 1000;
    expect(rollup.rows().sort((x, y) => `${x.service}${x.minute}${x.severity}`.localeCompare(`${y.service}${y.minute}${y.severity}`))).toEqual([
      { service: 'a', minute: m0, severity: 'error', count: 1 },
      { service: 'a', minute: m0, severity: 'info', count: 2 },
      { service: 'a', minute: m0 + 60, severity: 'info', count: 1 },
      { service: 'b', minute: m0, severity: 'info', count: 1 },
    ]);
  });
});

describe('SpanRedRollup', () => {
  it('counts requests, errors and the duration histogram by end minute', () => {
    const rollup = new SpanRedRollup();
    const span = (ms: number, error: boolean): NormalizedSpan => ({
      ...origin, traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', parentSpanId: null, traceState: '', name: 'POST /charge', kind: 'server',
      startTimeUnixNano: ns('2026-11-24T10:00:00Z'), endTimeUnixNano: ns('2026-11-24T10:00:01Z'), durationNs: ms * 1e6, attributes: {},
      status: { code: error ? 'error' : 'unset', message: '' }, events: [], links: [], flags: 0,
    });
    [0.5, 3, 3, 120, 40000].forEach((ms, i) => rollup.add(span(ms, i === 3)));
    const [row] = rollup.rows();
    expect(row).toMatchObject({ service: 'payments', operation: 'POST /charge', kind: 'server', requests: 5, errors: 1, durationMaxMs: 40000 });
    expect(row?.durationSumMs).toBeCloseTo(40126.5);
    expect(row?.buckets).toHaveLength(DURATION_BOUNDS_MS.length + 1);
    expect(row?.buckets[0]).toBe(1);
    expect(row?.buckets[2]).toBe(2);
    expect(row?.buckets[7]).toBe(1);
    expect(row?.buckets[DURATION_BOUNDS_MS.length]).toBe(1);
  });
});

describe('MetricRollup', () => {
  const base = { ...origin, name: 'http.server.requests', description: '', unit: '1', attributes: {}, flags: 0, exemplars: [] };
  it('adds delta sums and histograms, and keeps the latest cumulative point', () => {
    const rollup = new MetricRollup();
    const delta = (t: string, value: number): MetricPoint => ({ ...base, type: 'sum', temporality: 'delta', monotonic: true, value, startTimeUnixNano: ns(t), timeUnixNano: ns(t) });
    const cumulative = (t: string, value: number): MetricPoint => ({ ...base, type: 'sum', temporality: 'cumulative', monotonic: true, value, startTimeUnixNano: ns('2026-11-24T09:00:00Z'), timeUnixNano: ns(t) });
    const hist = (t: string, counts: number[]): MetricPoint => ({
      ...base, type: 'histogram', temporality: 'delta', count: counts.reduce((a, b) => a + b, 0), sum: 10, min: 1, max: 9,
      bucketCounts: counts, explicitBounds: [5], startTimeUnixNano: ns(t), timeUnixNano: ns(t),
    });
    rollup.add(delta('2026-11-24T10:00:10Z', 3), 'd');
    rollup.add(delta('2026-11-24T10:00:20Z', 4), 'd');
    rollup.add(cumulative('2026-11-24T10:00:40Z', 120), 'c');
    rollup.add(cumulative('2026-11-24T10:00:20Z', 100), 'c');
    rollup.add(hist('2026-11-24T10:00:10Z', [1, 2]), 'h');
    rollup.add(hist('2026-11-24T10:00:30Z', [3, 4]), 'h');
    rollup.add({ ...delta('2026-11-24T10:00:50Z', 1000), flags: 1 }, 'd');
    const rows = Object.fromEntries(rollup.rows().map((r) => [r.seriesKey, r]));
    expect(rows['d']).toMatchObject({ points: 2, valueSum: 7, valueMin: 3, valueMax: 4, lastValue: 4, cumulative: false });
    expect(rows['c']).toMatchObject({ points: 2, lastValue: 120, lastTimeUnixNano: ns('2026-11-24T10:00:40Z'), cumulative: true });
    expect(rows['h']).toMatchObject({ count: 10, sum: 20, buckets: [4, 6], bounds: [5] });
    expect(rollup.seriesRows().map((s) => s.seriesKey).sort()).toEqual(['c', 'd', 'h']);
  });
});

describe('EvidenceSampler', () => {
  it('keeps a few examples per key and minute, more for problems', () => {
    const sampler = new EvidenceSampler(2, 3);
    const kept = (scope: string, key: string, minute: number, problem: boolean, n: number) =>
      Array.from({ length: n }, () => sampler.offer(scope, key, minute, problem)).filter(Boolean).length;
    expect(kept('payments', 'info', 0, false, 5)).toBe(2);
    expect(kept('payments', 'info', 60, false, 5)).toBe(2);
    expect(kept('payments', 'error', 0, true, 5)).toBe(3);
    expect(kept('ledger', 'info', 0, false, 5)).toBe(2);
  });
  it('forgets the oldest minutes past its bound, and a minute alone over it', () => {
    const sampler = new EvidenceSampler(1, 1, 10);
    for (let m = 0; m < 20; m++) sampler.offer('s', 'k', m * 60, false);
    expect(sampler.offer('s', 'k', 0, false)).toBe(true); // minute 0 was forgotten
    expect(sampler.offer('s', 'k', 19 * 60, false)).toBe(false); // the newest is remembered
    for (let i = 0; i < 30; i++) sampler.offer('s', `k${i}`, 40 * 60, false);
    expect(sampler.offer('s', 'k0', 40 * 60, false)).toBe(true); // bounded even within one minute: k0 was forgotten
  });
});
