import type { AnomalyEvent, AnomalyEvidence, AnomalyKind, MetricPoint, SpanSignal } from '@vigil/contracts';
import { CumulativeToDelta, type CumulativeToDeltaSnapshot } from '@vigil/otlp';
import { DURATION_BOUNDS_MS, millisOf, unixNanoOf } from '@vigil/rollup';
import { bucketAt, closeDueMinutes, eventId, MINUTE_MS as MINUTE, type EventMinutesState } from '../event-time';
import { DEFAULT_SERIES_DETECTOR_OPTIONS, evidenceScore, type SeriesDetectorState } from '../series';
import { detectorFrom } from './detector-from';
import { mergeBuckets, valueOf, type MinuteValue } from './minute-value';
import { DEFAULT_SERIES_WATCH_OPTIONS, type SeriesWatchOptions } from './series-watch-options';

const SPAN_BOUNDS = [...DURATION_BOUNDS_MS];
const QUANTILES = [0.5, 0.95, 0.99] as const;

interface Bucket {
  values: Record<string, MinuteValue>;
  /** Exemplars / slow or failed spans per derived series' base key. */
  examples: Record<string, (AnomalyEvidence & { weight: number })[]>;
}

interface Episode {
  id: string;
  openedAt: number;
  quiet: number;
  /** The normal band when the episode opened: it stays active while values are outside it. */
  lower: number;
  upper: number;
}

interface DerivedSeries {
  label: string;
  kind: AnomalyKind;
  /** Key of the examples this series shows as evidence. */
  base: string;
  det: SeriesDetectorState | null;
  ep: Episode | null;
  /** Points judged so far (capped): the probation counter. */
  n: number;
}

export interface ServiceSeriesWatchState extends EventMinutesState<Bucket> {
  v: 1;
  series: Record<string, DerivedSeries>;
  deltas: CumulativeToDeltaSnapshot | null;
  /** Points of series not watched because the service reached `maxSeries`. */
  overflow?: number;
}


function labelOf(point: MetricPoint): string {
  const attributes = Object.entries(point.attributes)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(',');
  return attributes ? `${point.name}{${attributes}}` : point.name;
}

/**
 * Watches one service's metric points and spans as per-minute derived series — gauges as means,
 * counters as rates, histograms as request rate and p50/p95/p99, summaries by quantile, spans as
 * RED per operation (rate, error ratio, p95 latency) — and runs one streaming SeriesDetector per
 * series. Minutes are event-time buckets judged once the stream has moved past them, so a replay
 * yields the same anomalies. Findings are episodes: open when the score crosses the threshold,
 * update while the detector's evidence stays high, recover after quiet minutes (never before a
 * minimum duration). Pure; the state is plain JSON.
 */
export class ServiceSeriesWatch {
  private readonly options: SeriesWatchOptions;
  private readonly s: ServiceSeriesWatchState;
  private readonly deltas: CumulativeToDelta;

  constructor(
    readonly service: string,
    options: Partial<SeriesWatchOptions> = {},
    state?: ServiceSeriesWatchState,
  ) {
    this.options = { ...DEFAULT_SERIES_WATCH_OPTIONS, ...options };
    this.s = state ?? { v: 1, newestMinute: null, nextToClose: null, buckets: {}, series: {}, deltas: null, late: 0 };
    this.deltas = new CumulativeToDelta(this.s.deltas ?? undefined);
  }

  state(): ServiceSeriesWatchState {
    this.s.deltas = this.deltas.snapshot();
    return this.s;
  }

  get latePoints(): number {
    return this.s.late;
  }

  get seriesCount(): number {
    return Object.keys(this.s.series).length;
  }


  /** A metric point under its series key (as ingestion computed it). */
  observeMetric(seriesKey: string, raw: MetricPoint): AnomalyEvent[] {
    const isLevel = raw.type === 'sum' && !raw.monotonic && raw.temporality === 'cumulative';
    const point = isLevel ? raw : this.deltas.convert(raw);
    if (point === null) return [];
    const ms = millisOf(point.timeUnixNano);
    const bucket = this.bucketFor(ms);
    if (!bucket) return [];
    const label = labelOf(point);
    const add = (suffix: string, make: () => MinuteValue, fold: (acc: MinuteValue) => void): void => {
      const key = suffix ? `${seriesKey}#${suffix}` : seriesKey;
      if (!this.admit(key)) return;
      this.s.series[key] ??= { label: suffix ? `${label} ${suffix}` : label, kind: 'metric', base: seriesKey, det: null, ep: null, n: 0 };
      fold((bucket.values[key] ??= make()));
    };
    switch (point.type) {
      case 'gauge':
        add('', () => ({ k: 'mean', sum: 0, n: 0 }), (a) => a.k === 'mean' && ((a.sum += point.value), a.n++));
        break;
      case 'sum':
        if (isLevel) add('', () => ({ k: 'mean', sum: 0, n: 0 }), (a) => a.k === 'mean' && ((a.sum += point.value), a.n++));
        else add('rate', () => ({ k: 'rate', total: 0 }), (a) => a.k === 'rate' && (a.total += point.value));
        break;
      case 'histogram':
        add('rate', () => ({ k: 'rate', total: 0 }), (a) => a.k === 'rate' && (a.total += point.count));
        for (const q of QUANTILES) {
          add(`p${q * 100}`, () => ({ k: 'quantile', q, counts: [], bounds: [], max: null }), (a) => a.k === 'quantile' && mergeBuckets(a, point.bucketCounts, point.explicitBounds, point.max));
        }
        break;
      case 'exponential_histogram':
        add('rate', () => ({ k: 'rate', total: 0 }), (a) => a.k === 'rate' && (a.total += point.count));
        if (point.sum !== null && point.count > 0) add('mean', () => ({ k: 'mean', sum: 0, n: 0 }), (a) => a.k === 'mean' && ((a.sum += point.sum as number), (a.n += point.count)));
        break;
      case 'summary':
        for (const { quantile, value } of point.quantiles) add(`q${quantile}`, () => ({ k: 'last', v: value }), (a) => a.k === 'last' && (a.v = value));
        break;
    }
    for (const exemplar of point.exemplars) {
      this.example(bucket, seriesKey, { timeUnixNano: exemplar.timeUnixNano, severityNumber: 0, body: `${label} = ${exemplar.value}`, traceId: exemplar.traceId, spanId: exemplar.spanId, weight: exemplar.value });
    }
    return this.advance(ms);
  }

  observeSpan(span: SpanSignal): AnomalyEvent[] {
    const ms = millisOf(span.endTimeUnixNano);
    const bucket = this.bucketFor(ms);
    if (!bucket) return [];
    const base = `span:${span.kind}:${span.name}`;
    const label = `${span.name} (${span.kind})`;
    const add = (suffix: string, text: string, make: () => MinuteValue, fold: (acc: MinuteValue) => void): void => {
      const key = `${base}#${suffix}`;
      if (!this.admit(key)) return;
      this.s.series[key] ??= { label: `${label} ${text}`, kind: 'span_red', base, det: null, ep: null, n: 0 };
      fold((bucket.values[key] ??= make()));
    };
    add('rate', 'requests/s', () => ({ k: 'rate', total: 0 }), (a) => a.k === 'rate' && a.total++);
    add('errors', 'error ratio', () => ({ k: 'ratio', num: 0, den: 0, minDen: this.options.minRequestsForRatio }), (a) => a.k === 'ratio' && (a.den++, span.error && a.num++));
    const slot = SPAN_BOUNDS.findIndex((b) => span.durationMs <= b);
    const counts = new Array<number>(SPAN_BOUNDS.length + 1).fill(0);
    counts[slot === -1 ? SPAN_BOUNDS.length : slot] = 1;
    add('p95', 'p95 latency ms', () => ({ k: 'quantile', q: 0.95, counts: [], bounds: [], max: null }), (a) => a.k === 'quantile' && mergeBuckets(a, counts, SPAN_BOUNDS, span.durationMs));
    this.example(bucket, base, {
      timeUnixNano: span.endTimeUnixNano,
      severityNumber: span.error ? 17 : 9,
      body: `${span.name} ${span.error ? 'failed' : 'ok'} in ${span.durationMs.toFixed(1)} ms`,
      traceId: span.traceId || null,
      spanId: span.spanId || null,
      // Failed spans first, then the slowest: the ones a responder wants to open.
      weight: (span.error ? 1e12 : 0) + span.durationMs,
    });
    return this.advance(ms);
  }

  /** Points dropped because the service has `maxSeries` series already. */
  get overflowPoints(): number {
    return this.s.overflow ?? 0;
  }

  private seriesTotal = -1;

  /** Whether a point of `key` is watched: known series always, new ones while under the cap. */
  private admit(key: string): boolean {
    if (this.s.series[key]) return true;
    if (this.seriesTotal < 0) this.seriesTotal = Object.keys(this.s.series).length;
    if (this.seriesTotal >= this.options.maxSeries) {
      this.s.overflow = (this.s.overflow ?? 0) + 1;
      return false;
    }
    this.seriesTotal++;
    return true;
  }

  private bucketFor(ms: number): Bucket | null {
    return bucketAt(this.s, ms, () => ({ values: {}, examples: {} }));
  }

  private example(bucket: Bucket, base: string, evidence: AnomalyEvidence & { weight: number }): void {
    const list = (bucket.examples[base] ??= []);
    if (list.length < this.options.examples) {
      list.push(evidence);
      return;
    }
    let weakest = 0;
    list.forEach((e, i) => {
      if (e.weight < (list[weakest] as { weight: number }).weight) weakest = i;
    });
    if ((list[weakest] as { weight: number }).weight < evidence.weight) list[weakest] = evidence;
  }

  /** Judges the minutes now due; a minute without points has nothing to judge (gaps are the detector's). */
  private advance(ms: number): AnomalyEvent[] {
    return closeDueMinutes(this.s, ms, this.options.latenessMinutes).flatMap((due) => (due.bucket ? this.judge(due.minute, due.bucket) : []));
  }

  private judge(minute: number, bucket: Bucket): AnomalyEvent[] {
    const o = this.options;
    const findings: AnomalyEvent[] = [];
    for (const key of Object.keys(bucket.values).sort()) {
      const value = valueOf(bucket.values[key] as MinuteValue);
      const series = this.s.series[key];
      if (value === null || !Number.isFinite(value) || !series) continue;
      const detector = detectorFrom(o.detector, series.det);
      if (detector.restarted) series.n = 0;
      const { explanation } = detector.instance.update({ t: minute, v: value });
      // Not the detector's held score (0 for a while after each alert, one alert per incident as
      // NAB rewards): episodes do that job here, and a second shift soon after must be seen.
      const score = evidenceScore(explanation.surprise, o.detector.alertSurprise ?? DEFAULT_SERIES_DETECTOR_OPTIONS.alertSurprise);
      series.det = detector.instance.state();
      series.n = Math.min(series.n + 1, 1_000_000);
      // Evidence decays over a few points after a spike: only a point itself outside the band may
      // open or extend an episode, so the afterglow of one does not keep it going.
      const deviates = value < explanation.lower || value > explanation.upper;
      const firing = score >= o.threshold && series.n > o.probationPoints && deviates;
      // The detector adapts to a new level within minutes; the episode is over only when the
      // values are back inside the band they left, not when the detector got used to them.
      const outside = series.ep !== null && (value < series.ep.lower || value > series.ep.upper);
      const active = firing || outside || (series.ep !== null && explanation.surprise >= o.activeSurprise);
      const evidence = (bucket.examples[series.base] ?? []).map(({ weight: _weight, ...e }) => e);
      const fingerprint = `${this.service}|${series.kind}|${key}`;
      const event = (status: AnomalyEvent['status'], id: string, summary: string): AnomalyEvent => ({
        v: 1,
        id,
        status,
        kind: series.kind,
        service: this.service,
        fingerprint,
        signal: key,
        timeUnixNano: unixNanoOf(minute),
        score: Math.min(1, Math.max(0, score)),
        summary,
        observed: value,
        expected: explanation.expected,
        lower: explanation.lower,
        upper: explanation.upper,
        template: null,
        evidence: status === 'recover' ? [] : evidence,
      });
      const describe = `${series.label} = ${round(value)} (expected ${round(explanation.expected)}, band ${round(explanation.lower)}…${round(explanation.upper)}; ${explanation.component})`;
      if (!series.ep) {
        if (!firing) continue;
        series.ep = { id: eventId(fingerprint, String(minute)), openedAt: minute, quiet: 0, lower: explanation.lower, upper: explanation.upper };
        findings.push(event('open', series.ep.id, describe));
      } else if (active) {
        series.ep.quiet = 0;
        findings.push(event('update', series.ep.id, describe));
      } else if (++series.ep.quiet >= o.recoverAfterMinutes && minute - series.ep.openedAt >= o.minDurationMinutes * MINUTE) {
        findings.push(event('recover', series.ep.id, `recovered: ${series.label} = ${round(value)}`));
        series.ep = null;
      }
    }
    return findings;
  }
}

function round(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 100 ? x.toFixed(0) : abs >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
