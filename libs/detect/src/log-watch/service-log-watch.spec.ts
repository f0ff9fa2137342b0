import type { AnomalyEvent } from '@vigil/contracts';
import { ServiceLogWatch, type MinedLogLine } from './index';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;

function line(ms: number, templateId: number, extra: Partial<MinedLogLine> = {}): MinedLogLine {
  return {
    timeUnixNano: `${ms}000000`,
    severityNumber: 9,
    body: `line of template ${templateId}`,
    traceId: 'ab'.repeat(16),
    spanId: 'cd'.repeat(8),
    templateId,
    template: `template ${templateId} <*>`,
    created: false,
    ...extra,
  };
}

/** Steady traffic: template 1 at 20/min, template 2 at 6/min, minutes [from, to). */
function steady(watch: ServiceLogWatch, from: number, to: number, findings: AnomalyEvent[], created = new Set<number>()): void {
  for (let m = from; m < to; m++) {
    for (let i = 0; i < 20; i++) {
      const ms = T0 + m * MIN + i * 2500;
      findings.push(...watch.observe(line(ms, 1, { created: !created.has(1) && (created.add(1), true) })));
      if (i % 3 === 0 && i < 18) findings.push(...watch.observe(line(ms + 100, 2, { created: !created.has(2) && (created.add(2), true) })));
    }
  }
}

describe('ServiceLogWatch', () => {
  it('learns quietly, then flags a new template with its example line and trace id', () => {
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    steady(watch, 0, 40, findings);
    expect(findings).toEqual([]);
    const fresh = watch.observe(line(T0 + 40 * MIN + 5, 3, { created: true, severityNumber: 17, body: 'lock wait timeout exceeded on table payments', template: 'lock wait timeout exceeded on table <*>' }));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({
      kind: 'log_new_template',
      status: 'open',
      service: 'payments',
      signal: 'template:3',
      template: { id: 3, text: 'lock wait timeout exceeded on table <*>' },
      evidence: [{ body: 'lock wait timeout exceeded on table payments', traceId: 'ab'.repeat(16) }],
    });
    expect(fresh[0]?.score).toBeGreaterThanOrEqual(0.9);
  });

  it('does not report templates learnt during the warm-up as new', () => {
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    steady(watch, 0, 5, findings);
    findings.push(...watch.observe(line(T0 + 5 * MIN, 9, { created: true })));
    expect(findings).toEqual([]);
  });

  it('flags an error surge, updates while it lasts and recovers after quiet minutes, once each', () => {
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    steady(watch, 0, 40, findings);
    for (let m = 40; m < 43; m++) {
      for (let i = 0; i < 50; i++) findings.push(...watch.observe(line(T0 + m * MIN + i * 1000, 4, { severityNumber: 17, created: m === 40 && i === 0 })));
    }
    steady(watch, 43, 50, findings);
    const surge = findings.filter((f) => f.kind === 'log_error_surge');
    expect(surge.map((f) => f.status)).toEqual(['open', 'update', 'update', 'recover']);
    expect(new Set(surge.map((f) => f.id)).size).toBe(1);
    expect(surge[0]).toMatchObject({ observed: 50, signal: 'severity:error' });
    expect(surge[0]?.evidence.length).toBeGreaterThan(0);
    expect(surge[0]?.expected).toBeLessThan(1);
  });

  it('flags a template rate jump and a drop with the metric detector on its per-minute count', () => {
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    steady(watch, 0, 180, findings);
    // Template 1 jumps from 20/min to 200/min for one minute (template 2 goes on as usual)…
    for (let i = 0; i < 200; i++) findings.push(...watch.observe(line(T0 + 180 * MIN + i * 250, 1)));
    for (let i = 0; i < 6; i++) findings.push(...watch.observe(line(T0 + 180 * MIN + i * 9000 + 7, 2)));
    steady(watch, 181, 190, findings);
    // …and later goes silent while template 2 continues: a drop.
    for (let m = 190; m < 200; m++) for (let i = 0; i < 6; i++) findings.push(...watch.observe(line(T0 + m * MIN + i * 9000, 2)));
    const shifts = findings.filter((f) => f.kind === 'log_rate_shift' && f.signal === 'template:1');
    const opens = shifts.filter((f) => f.status === 'open');
    expect(opens[0]).toMatchObject({ observed: 200, timeUnixNano: `${T0 + 180 * MIN}000000` });
    expect(opens[0]?.summary).toMatch(/jumped to 200\/min/);
    expect(opens[0]?.expected).toBeLessThan(30);
    // The silence is reported (as a new episode, or as an update of one still open).
    expect(shifts.some((f) => f.status !== 'recover' && /dropped to 0\/min/.test(f.summary) && Number(f.timeUnixNano.slice(0, -6)) >= T0 + 190 * MIN)).toBe(true);
    expect(findings.filter((f) => f.signal === 'template:2' && f.kind === 'log_rate_shift')).toEqual([]);
    expect(findings.filter((f) => f.kind === 'log_rate_shift' && Number(f.timeUnixNano.slice(0, -6)) < T0 + 180 * MIN)).toEqual([]);
  });

  it('flags a rare template bursting', () => {
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    const created = new Set<number>();
    steady(watch, 0, 1, findings, created);
    findings.push(...watch.observe(line(T0 + 1 * MIN + 10, 5, { created: true })));
    steady(watch, 1, 40, findings, created);
    for (let i = 0; i < 30; i++) findings.push(...watch.observe(line(T0 + 40 * MIN + i * 1000, 5)));
    steady(watch, 41, 43, findings, created);
    expect(findings.filter((f) => f.kind === 'log_template_burst')).toEqual([expect.objectContaining({ status: 'open', signal: 'template:5', observed: 30 })]);
  });

  it('is deterministic and resumes from serialized state exactly', () => {
    const run = (split: number | null): AnomalyEvent[] => {
      let watch = new ServiceLogWatch('payments');
      const findings: AnomalyEvent[] = [];
      const lines: MinedLogLine[] = [];
      for (let m = 0; m < 50; m++) for (let i = 0; i < 20; i++) lines.push(line(T0 + m * MIN + i * 2500, m === 45 ? 7 : 1, { created: (m === 0 && i === 0) || (m === 45 && i === 0), severityNumber: m >= 44 && m < 46 ? 17 : 9 }));
      lines.forEach((l, index) => {
        if (index === split) watch = new ServiceLogWatch('payments', {}, JSON.parse(JSON.stringify(watch.state())));
        findings.push(...watch.observe(l));
      });
      return findings;
    };
    const whole = run(null);
    expect(whole.length).toBeGreaterThan(0);
    expect(run(895)).toEqual(whole);
  });

  it('stays quiet on hours of noisy (Poisson) traffic', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const poisson = (mean: number): number => {
      let k = 0;
      for (let p = random(); p > Math.exp(-mean); p *= random()) k++;
      return k;
    };
    const watch = new ServiceLogWatch('payments');
    const findings: AnomalyEvent[] = [];
    const means = [30, 8, 2, 0.3, 0.05];
    for (let m = 0; m < 360; m++) {
      means.forEach((mean, id) => {
        const n = poisson(mean);
        for (let i = 0; i < n; i++) findings.push(...watch.observe(line(T0 + m * MIN + Math.floor(random() * 59_000), id + 1, { created: m === 0 && i === 0, severityNumber: id === 3 ? 17 : 9 })));
      });
    }
    expect(findings.filter((f) => f.kind !== 'log_new_template')).toEqual([]);
  });

  it('counts lines later than the lateness allowance instead of judging them', () => {
    const watch = new ServiceLogWatch('payments');
    watch.observe(line(T0 + 10 * MIN, 1, { created: true }));
    watch.observe(line(T0 + 12 * MIN, 1));
    watch.observe(line(T0 + 2 * MIN, 1));
    expect(watch.lateLines).toBe(1);
  });
});
