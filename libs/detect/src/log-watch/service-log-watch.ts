import type { AnomalyEvent, AnomalyEvidence, AnomalyKind } from '@vigil/contracts';
import { DEFAULT_SERIES_DETECTOR_OPTIONS, evidenceScore, type SeriesDetectorState } from '../series';
import { detectorFrom } from '../series-watch/detector-from';
import { bandEdge, likelihoodOf, newCountBaseline, surpriseAbove, updateCountBaseline, type CountBaselineState } from './count-baseline';
import { bucketAt, closeDueMinutes, eventId, MINUTE_MS as MINUTE, minuteStart, type EventMinutesState } from '../event-time';
import { millisOf, unixNanoOf } from '@vigil/rollup';
import { DEFAULT_LOG_WATCH_OPTIONS, type LogWatchOptions } from './log-watch-options';

/** One log line after redaction and template mining. */
export interface MinedLogLine {
  timeUnixNano: string;
  severityNumber: number;
  body: string;
  traceId: string | null;
  spanId: string | null;
  templateId: number;
  template: string;
  /** The miner created this template for this line. */
  created: boolean;
}

interface MinuteBucket {
  templates: Record<number, number>;
  errors: number;
  examples: Record<number, AnomalyEvidence[]>;
  errorExamples: AnomalyEvidence[];
}

interface TemplateWatch {
  baseline: CountBaselineState;
  text: string;
  /** The metric detector on this template's per-minute count, once the template is dense. */
  det?: SeriesDetectorState;
  /** Minutes the detector has seen. */
  detN?: number;
  /** The normal band when a rate shift opened: the shift lasts while counts stay outside it. */
  shiftBand?: [number, number];
}

interface Band {
  expected: number;
  lower: number;
  upper: number;
}

interface OpenFinding {
  id: string;
  kind: AnomalyKind;
  signal: string;
  quiet: number;
}

export interface ServiceLogWatchState extends EventMinutesState<MinuteBucket> {
  v: 1;
  lines: number;
  firstMinute: number | null;
  templates: Record<number, TemplateWatch>;
  errors: CountBaselineState;
  open: Record<string, OpenFinding>;
}

const ERROR_SEVERITY = 17;
const emptyBucket = (): MinuteBucket => ({ templates: {}, errors: 0, examples: {}, errorExamples: [] });

/** The count baseline's expected value and ±3 σ band. */
function countBand(base: CountBaselineState): Band {
  const sd = Math.sqrt(Math.max(base.variance, base.mean));
  return { expected: base.mean, lower: Math.max(0, base.mean - 3 * sd), upper: base.mean + 3 * sd };
}


/**
 * Watches one service's mined log lines and turns them into log anomalies: a new template after
 * the service's learning period, a rare template bursting, a template's rate jumping or
 * dropping against its own baseline, and an error/fatal surge. Minutes are event-time buckets,
 * judged once the stream has moved `latenessMinutes` past them, so a replay of the same stream
 * yields the same findings with the same ids. Pure: state in, findings out, state serializable.
 */
export class ServiceLogWatch {
  private readonly options: LogWatchOptions;
  private readonly s: ServiceLogWatchState;

  constructor(
    readonly service: string,
    options: Partial<LogWatchOptions> = {},
    state?: ServiceLogWatchState,
  ) {
    this.options = { ...DEFAULT_LOG_WATCH_OPTIONS, ...options };
    this.s = state ?? { v: 1, lines: 0, firstMinute: null, newestMinute: null, nextToClose: null, buckets: {}, templates: {}, errors: newCountBaseline(), open: {}, late: 0 };
  }

  state(): ServiceLogWatchState {
    return this.s;
  }

  /** Lines older than the lateness allowance: counted in storage, not judged. */
  get lateLines(): number {
    return this.s.late;
  }

  observe(line: MinedLogLine): AnomalyEvent[] {
    const s = this.s;
    const ms = millisOf(line.timeUnixNano);
    const minute = minuteStart(ms);
    const findings: AnomalyEvent[] = [];
    const warm = this.isWarm(minute);
    s.lines++;
    s.firstMinute ??= minute;
    const template = (s.templates[line.templateId] ??= { baseline: newCountBaseline(), text: line.template });
    template.text = line.template;

    if (line.created && warm) {
      const fingerprint = this.fingerprint('log_new_template', `template:${line.templateId}`);
      if (!s.open[fingerprint]) {
        const severe = line.severityNumber >= ERROR_SEVERITY ? 0.95 : line.severityNumber >= 13 ? 0.8 : 0.6;
        findings.push(
          this.event('open', 'log_new_template', `template:${line.templateId}`, minute, ms, severe, `new log template: ${line.template}`, {
            observed: 1,
            expected: 0,
            template: { id: line.templateId, text: line.template },
            evidence: [this.evidence(line)],
          }),
        );
      }
    }

    const bucket = bucketAt(s, ms, emptyBucket);
    if (!bucket) return findings;
    bucket.templates[line.templateId] = (bucket.templates[line.templateId] ?? 0) + 1;
    const examples = (bucket.examples[line.templateId] ??= []);
    if (examples.length < this.options.examples) examples.push(this.evidence(line));
    if (line.severityNumber >= ERROR_SEVERITY) {
      bucket.errors++;
      if (bucket.errorExamples.length < this.options.examples) bucket.errorExamples.push(this.evidence(line));
    }
    // A silent minute is judged too: for a template that stopped, silence is the finding.
    for (const due of closeDueMinutes(s, ms, this.options.latenessMinutes)) findings.push(...this.judge(due.minute, due.bucket ?? emptyBucket()));
    return findings;
  }

  /** The miner found two templates to be one: the absorbed ones' history folds into the survivor. */
  merged(into: number, absorbed: readonly number[]): void {
    for (const id of absorbed) {
      delete this.s.templates[id];
      for (const bucket of Object.values(this.s.buckets)) {
        const n = bucket.templates[id];
        if (n === undefined) continue;
        bucket.templates[into] = (bucket.templates[into] ?? 0) + n;
        delete bucket.templates[id];
        delete bucket.examples[id];
      }
    }
  }

  private isWarm(minute: number): boolean {
    const first = this.s.firstMinute;
    return first !== null && this.s.lines >= this.options.warmupLines && minute - first >= this.options.warmupMinutes * MINUTE;
  }

  private judge(minute: number, bucket: MinuteBucket): AnomalyEvent[] {
    const o = this.options;
    const findings: AnomalyEvent[] = [];
    const warm = this.isWarm(minute);
    const active = new Set<string>();
    for (const [idText, template] of Object.entries(this.s.templates)) {
      const id = Number(idText);
      const count = bucket.templates[id] ?? 0;
      const base = template.baseline;
      const signal = `template:${id}`;
      const evidence = bucket.examples[id] ?? [];
      const templateRef = { id, text: template.text };
      if (warm && count > 0) {
        const up = surpriseAbove(base, count);
        const rare = base.mean < o.rareBelowPerMinute && base.n >= o.warmupMinutes;
        if (rare && count >= o.burstMinLines && up >= o.minSurprise) {
          findings.push(...this.raise('log_template_burst', signal, minute, likelihoodOf(up), `rare template bursting: ${count} lines in a minute (usually ${base.mean.toFixed(2)}/min): ${template.text}`, count, countBand(base), templateRef, evidence, active));
        }
      }
      findings.push(...this.judgeRate(template, id, minute, count, warm, evidence, active));
      if (count > 0) active.add(this.fingerprint('log_new_template', signal));
      const fired = active.has(this.fingerprint('log_template_burst', signal));
      updateCountBaseline(base, fired ? bandEdge(base, count) : count);
    }
    const errors = this.s.errors;
    let surging = false;
    if (warm && bucket.errors >= o.surgeMinErrors) {
      const up = surpriseAbove(errors, bucket.errors);
      if (up >= o.minSurprise) {
        surging = true;
        findings.push(...this.raise('log_error_surge', 'severity:error', minute, likelihoodOf(up), `error/fatal logs surged to ${bucket.errors}/min (usually ${errors.mean.toFixed(1)}/min)`, bucket.errors, countBand(errors), null, bucket.errorExamples, active));
      }
    }
    updateCountBaseline(errors, surging ? bandEdge(errors, bucket.errors) : bucket.errors);
    findings.push(...this.recoverQuiet(minute, active));
    return findings;
  }

  /**
   * A dense template's per-minute count through its own SeriesDetector (seasonality, level
   * shifts, calibrated per series): a jump or a drop opens a rate shift, which lasts while the
   * counts stay outside the band they left.
   */
  private judgeRate(template: TemplateWatch, id: number, minute: number, count: number, warm: boolean, evidence: AnomalyEvidence[], active: Set<string>): AnomalyEvent[] {
    const o = this.options;
    if (template.det === undefined && !(template.baseline.mean >= o.denseFromPerMinute && template.baseline.n >= o.warmupMinutes)) return [];
    const restored = detectorFrom({}, template.det);
    if (restored.restarted) template.detN = 0;
    const detector = restored.instance;
    const { explanation } = detector.update({ t: minute, v: count });
    // The detector holds its score at 0 for a while after an alert (one alert per incident, as
    // NAB rewards); episodes do that job here, so a second, different shift soon after a first
    // one (a spike, then the template going silent) must still be seen.
    const score = evidenceScore(explanation.surprise, DEFAULT_SERIES_DETECTOR_OPTIONS.alertSurprise);
    template.det = detector.state();
    template.detN = Math.min((template.detN ?? 0) + 1, 1_000_000);
    const signal = `template:${id}`;
    const open = this.s.open[this.fingerprint('log_rate_shift', signal)];
    const outside = open !== undefined && template.shiftBand !== undefined && (count < template.shiftBand[0] || count > template.shiftBand[1]);
    // The evidence decays over a few minutes after a spike: only a minute that is itself outside
    // the band may open or extend a shift, so the afterglow of one does not keep it going.
    const deviates = count < explanation.lower || count > explanation.upper;
    const firing = warm && template.detN > o.rateProbationMinutes && score >= o.rateThreshold && deviates;
    if (!firing && !outside) return [];
    if (!open) template.shiftBand = [explanation.lower, explanation.upper];
    const direction = count >= explanation.expected ? 'jumped' : 'dropped';
    const band = open ? { expected: explanation.expected, lower: template.shiftBand?.[0] ?? explanation.lower, upper: template.shiftBand?.[1] ?? explanation.upper } : explanation;
    return this.raise(
      'log_rate_shift',
      signal,
      minute,
      Math.min(1, Math.max(score, firing ? o.rateThreshold : 0)),
      `template rate ${direction} to ${count}/min (expected ${explanation.expected.toFixed(1)}/min; ${explanation.component}): ${template.text}`,
      count,
      band,
      { id, text: template.text },
      evidence,
      active,
    );
  }

  private raise(
    kind: AnomalyKind,
    signal: string,
    minute: number,
    score: number,
    summary: string,
    observed: number,
    band: Band,
    template: { id: number; text: string } | null,
    evidence: AnomalyEvidence[],
    active: Set<string>,
  ): AnomalyEvent[] {
    const fingerprint = this.fingerprint(kind, signal);
    active.add(fingerprint);
    const open = this.s.open[fingerprint];
    const event = this.event(open ? 'update' : 'open', kind, signal, minute, minute, score, summary, {
      observed,
      expected: band.expected,
      lower: band.lower,
      upper: band.upper,
      template,
      evidence,
      id: open?.id,
    });
    this.s.open[fingerprint] = { id: event.id, kind, signal, quiet: 0 };
    return [event];
  }

  private recoverQuiet(minute: number, active: Set<string>): AnomalyEvent[] {
    const findings: AnomalyEvent[] = [];
    for (const [fingerprint, open] of Object.entries(this.s.open)) {
      if (active.has(fingerprint)) {
        open.quiet = 0;
        continue;
      }
      if (++open.quiet < this.options.recoverAfterMinutes) continue;
      delete this.s.open[fingerprint];
      findings.push(this.event('recover', open.kind, open.signal, minute, minute, 0, `recovered: ${open.signal}`, { id: open.id }));
    }
    return findings;
  }

  private event(
    status: AnomalyEvent['status'],
    kind: AnomalyKind,
    signal: string,
    minute: number,
    atMillis: number,
    score: number,
    summary: string,
    extra: Partial<Pick<AnomalyEvent, 'observed' | 'expected' | 'lower' | 'upper' | 'template' | 'evidence'>> & { id?: string | undefined },
  ): AnomalyEvent {
    const fingerprint = this.fingerprint(kind, signal);
    if (status === 'open' && kind === 'log_new_template') this.s.open[fingerprint] = { id: eventId(fingerprint, String(minute)), kind, signal, quiet: 0 };
    return {
      v: 1,
      id: extra.id ?? eventId(fingerprint, String(minute)),
      status,
      kind,
      service: this.service,
      fingerprint,
      signal,
      timeUnixNano: unixNanoOf(atMillis),
      score,
      summary,
      observed: extra.observed ?? null,
      expected: extra.expected ?? null,
      lower: extra.lower ?? null,
      upper: extra.upper ?? null,
      template: extra.template ?? null,
      evidence: extra.evidence ?? [],
    };
  }

  private fingerprint(kind: AnomalyKind, signal: string): string {
    return `${this.service}|${kind}|${signal}`;
  }

  private evidence(line: MinedLogLine): AnomalyEvidence {
    return { timeUnixNano: line.timeUnixNano, severityNumber: line.severityNumber, body: line.body, traceId: line.traceId, spanId: line.spanId };
  }
}
