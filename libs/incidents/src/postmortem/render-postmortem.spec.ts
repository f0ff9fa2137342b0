import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PostmortemInput } from './postmortem-input';
import { POSTMORTEM_PLACEHOLDERS } from './postmortem-placeholders';
import { parsePostmortemTemplate } from './postmortem-template';
import { renderPostmortem } from './render-postmortem';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const S = 1000;
const MIN = 60 * S;
const TEMPLATES = join(__dirname, '..', '..', '..', '..', 'templates', 'postmortems');

function input(overrides: Partial<PostmortemInput> = {}): PostmortemInput {
  return {
    incident: {
      id: 'inc-42',
      number: 42,
      title: 'Card payments failing | EU',
      severity: 'sev1',
      status: 'resolved',
      services: ['payments', 'ledger', 'postgres'],
      commander: 'alice',
      startedAtMs: T0,
      detectedAtMs: T0 + 4 * MIN + 10 * S,
      acknowledgedAtMs: T0 + 5 * MIN,
      mitigatedAtMs: T0 + 23 * MIN,
      resolvedAtMs: T0 + 2 * 60 * MIN + 7 * MIN,
      customerFacing: true,
    },
    rootCauseHints: [
      { service: 'ledger', signal: 'latency_p95', score: 0.62, summary: 'ledger p95 1.2 s (expected 80 ms)' },
      { service: 'postgres', signal: 'query_latency_p95', score: 1, summary: 'lock wait timeout exceeded on table <*>' },
    ],
    timeline: [
      { atMs: T0 + 5 * MIN, actor: 'alice', type: 'acknowledged', text: 'on it' },
      { atMs: T0 + 4 * MIN + 10 * S, actor: 'vigil', type: 'opened', text: 'postgres query_latency_p95 | payments errors' },
      { atMs: T0 + 23 * MIN, actor: 'bob', type: 'mitigated', text: 'killed\nthe long transaction' },
    ],
    actions: [
      { atMs: T0 + 9 * MIN, actor: 'vigil', action: 'restart', target: 'payments-7f9c', outcome: 'failed', detail: 'pod did not become ready' },
      { atMs: T0 + 6 * MIN, actor: 'vigil', action: 'scale', target: 'payments', outcome: 'succeeded', detail: '3 → 6 replicas' },
    ],
    anomalies: [
      { service: 'payments', signal: 'errors', kind: 'metric', firstAtMs: T0 + 2 * MIN, peakScore: 0.874, summary: 'error ratio 0.31' },
      { service: 'postgres', signal: 'query_latency_p95', kind: 'metric', firstAtMs: T0, peakScore: 0.99, summary: 'p95 4.1 s' },
    ],
    notes: [
      { atMs: T0 + 30 * MIN, actor: 'bob', text: 'The batch job {{title}} took the lock.\nSee {{root_causes}} and {{ notes }}' },
      { atMs: T0 + 10 * MIN, actor: 'carol', text: 'EU card traffic down 40%' },
    ],
    generatedAtMs: T0 + 3 * 60 * MIN,
    ...overrides,
  };
}

const render = (text: string, data: PostmortemInput = input()): string => renderPostmortem(parsePostmortemTemplate('test', text), data);

describe('renderPostmortem', () => {
  it('renders every scalar placeholder', () => {
    const lines = POSTMORTEM_PLACEHOLDERS.filter((p) => !['services', 'timeline', 'actions', 'root_causes', 'anomalies', 'notes', 'durations'].includes(p));
    const out = render(lines.map((p) => `${p}=[{{${p}}}]`).join('\n'));
    expect(out.split('\n')).toEqual([
      'id=[inc-42]',
      'number=[42]',
      'title=[Card payments failing \\| EU]',
      'severity=[sev1]',
      'status=[resolved]',
      'commander=[alice]',
      'customer_facing=[yes]',
      'started_at=[2026-11-24T09:00:00Z]',
      'detected_at=[2026-11-24T09:04:10Z]',
      'acknowledged_at=[2026-11-24T09:05:00Z]',
      'mitigated_at=[2026-11-24T09:23:00Z]',
      'resolved_at=[2026-11-24T11:07:00Z]',
      'generated_at=[2026-11-24T12:00:00Z]',
      'ttd=[4m 10s]',
      'tta=[50s]',
      'ttm=[18m 50s]',
      'ttr=[2h 02m]',
      'root_cause.service=[postgres]',
      'root_cause.signal=[query_latency_p95]',
      'root_cause.score=[1.00]',
      'root_cause.summary=[lock wait timeout exceeded on table <*>]',
      'services.count=[3]',
      'timeline.count=[3]',
      'actions.count=[2]',
      'actions.failed=[1]',
      'anomalies.count=[2]',
      'notes.count=[2]',
    ]);
  });

  it('renders absent values as an em dash', () => {
    const open = input({ rootCauseHints: [] });
    open.incident = { ...open.incident, status: 'triggered', commander: null, acknowledgedAtMs: null, mitigatedAtMs: null, resolvedAtMs: null, customerFacing: false };
    expect(render('{{commander}} {{acknowledged_at}} {{mitigated_at}} {{resolved_at}} {{tta}} {{ttm}} {{ttr}} {{customer_facing}} {{root_cause.service}} {{root_cause.score}}', open)).toBe(
      '— — — — — — — no — —',
    );
  });

  it('renders the services inline', () => {
    expect(render('Affected: {{services}}.')).toBe('Affected: `payments`, `ledger`, `postgres`.');
  });

  it('renders the timeline as a table in time order, pipes escaped, one row per entry', () => {
    expect(render('{{timeline}}')).toBe(
      [
        '| Time (UTC) | Actor | Event |',
        '| --- | --- | --- |',
        '| 2026-11-24T09:04:10Z | vigil | **opened** postgres query_latency_p95 \\| payments errors |',
        '| 2026-11-24T09:05:00Z | alice | **acknowledged** on it |',
        '| 2026-11-24T09:23:00Z | bob | **mitigated** killed the long transaction |',
      ].join('\n'),
    );
  });

  it('keeps entries at the same instant in recorded order', () => {
    const timeline = ['first', 'second', 'third'].map((text) => ({ atMs: T0, actor: 'vigil', type: 'note', text }));
    const rows = render('{{timeline}}', input({ timeline })).split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[2])).toEqual(['**note** first |', '**note** second |', '**note** third |']);
  });

  it('escapes a backslash-pipe so it cannot split a cell', () => {
    const timeline = [{ atMs: T0, actor: 'ops', type: 'log', text: 'grep a\\|b' }];
    expect(render('{{timeline}}', input({ timeline })).split('\n')[2]).toBe('| 2026-11-24T09:00:00Z | ops | **log** grep a\\\\\\|b |');
  });

  it('renders the actions with their outcome, in time order', () => {
    expect(render('{{actions}}')).toBe(
      [
        '| Time (UTC) | Actor | Action | Target | Outcome | Detail |',
        '| --- | --- | --- | --- | --- | --- |',
        '| 2026-11-24T09:06:00Z | vigil | scale | `payments` | succeeded | 3 → 6 replicas |',
        '| 2026-11-24T09:09:00Z | vigil | restart | `payments-7f9c` | failed | pod did not become ready |',
      ].join('\n'),
    );
  });

  it('renders root-cause hints as a numbered list, best first, with scores', () => {
    expect(render('{{root_causes}}')).toBe(
      [
        '1. `postgres` `query_latency_p95` (score 1.00) — lock wait timeout exceeded on table <*>',
        '2. `ledger` `latency_p95` (score 0.62) — ledger p95 1.2 s (expected 80 ms)',
      ].join('\n'),
    );
  });

  it('renders the anomalies as a table, earliest first', () => {
    expect(render('{{anomalies}}')).toBe(
      [
        '| First seen (UTC) | Service | Signal | Kind | Peak score | Summary |',
        '| --- | --- | --- | --- | --- | --- |',
        '| 2026-11-24T09:00:00Z | `postgres` | `query_latency_p95` | metric | 0.99 | p95 4.1 s |',
        '| 2026-11-24T09:02:00Z | `payments` | `errors` | metric | 0.87 | error ratio 0.31 |',
      ].join('\n'),
    );
  });

  it('renders notes in time order and never reads placeholders in them', () => {
    expect(render('{{notes}}')).toBe(
      [
        '- 2026-11-24T09:10:00Z **carol**: EU card traffic down 40%',
        '- 2026-11-24T09:30:00Z **bob**: The batch job {{title}} took the lock.',
        '  See {{root_causes}} and {{ notes }}',
      ].join('\n'),
    );
  });

  it('does not let incident text inject placeholders anywhere', () => {
    const sneaky = input({ timeline: [{ atMs: T0, actor: '{{commander}}', type: '{{status}}', text: '{{generated_at}}' }] });
    sneaky.incident = { ...sneaky.incident, title: 'Outage {{commander}} {{', commander: '{{title}}' };
    expect(render('{{title}} / {{commander}}', sneaky)).toBe('Outage {{commander}} {{ / {{title}}');
    expect(render('{{timeline}}', sneaky)).toContain('| 2026-11-24T09:00:00Z | {{commander}} | **{{status}}** {{generated_at}} |');
  });

  it('renders the durations table', () => {
    expect(render('{{durations}}')).toBe(
      [
        '| Measure | From → to | Duration |',
        '| --- | --- | --- |',
        '| Time to detect (TTD) | impact start → detected | 4m 10s |',
        '| Time to acknowledge (TTA) | detected → acknowledged | 50s |',
        '| Time to mitigate (TTM) | detected → mitigated | 18m 50s |',
        '| Time to resolve (TTR) | detected → resolved | 2h 02m |',
      ].join('\n'),
    );
  });

  it('says so when a block has nothing to show', () => {
    const empty = input({ timeline: [], actions: [], anomalies: [], notes: [], rootCauseHints: [] });
    empty.incident = { ...empty.incident, services: [] };
    expect(render('{{timeline}}\n{{actions}}\n{{anomalies}}\n{{notes}}\n{{root_causes}}\n{{services}}', empty).split('\n')).toEqual([
      '_No timeline entries recorded._',
      '_No actions recorded._',
      '_No anomalies recorded._',
      '_No notes recorded._',
      '_Vigil ranked no candidate cause for this incident._',
      '—',
    ]);
  });

  it('renders every placeholder, and the same input to the same bytes', () => {
    const template = parsePostmortemTemplate('all', POSTMORTEM_PLACEHOLDERS.map((p) => `<<${p}>>\n{{${p}}}`).join('\n'));
    const out = renderPostmortem(template, input());
    for (const p of POSTMORTEM_PLACEHOLDERS) expect(out).toMatch(new RegExp(`<<${p.replace('.', '\\.')}>>\\n\\S`));
    expect(renderPostmortem(template, input())).toBe(out);
  });

  it('does not change its input', () => {
    const data = input();
    const before = JSON.stringify(data);
    render('{{timeline}} {{actions}} {{anomalies}} {{notes}} {{root_causes}}', data);
    expect(JSON.stringify(data)).toBe(before);
  });
});

describe('shipped templates', () => {
  const read = (file: string): string => readFileSync(join(TEMPLATES, file), 'utf8');

  it.each(['default.md', 'brief.md'])('%s parses and fills every placeholder it uses', (file) => {
    const template = parsePostmortemTemplate(file.replace(/\.md$/, ''), read(file));
    // Notes without braces of their own: any "{{" left would be a placeholder the template missed.
    const out = renderPostmortem(template, input({ notes: [{ atMs: T0, actor: 'bob', text: 'took the lock' }] }));
    expect(out).not.toMatch(/\{\{|\}\}/);
    expect(out).toContain('Card payments failing \\| EU');
  });

  it('default.md has every section and an action-items table for owners and due dates', () => {
    const out = renderPostmortem(parsePostmortemTemplate('default', read('default.md')), input());
    const headings = out.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(
      expect.arrayContaining(['## Summary', '## Impact', '## Timeline', '## Detection', '## Root cause', '## Resolution', '## What went well', '## What went poorly', '## Action items']),
    );
    expect(out).toMatch(/\| Action \|.*\| Owner \| Due \|/);
  });

  it('README.md documents every placeholder', () => {
    const readme = read('README.md');
    for (const p of POSTMORTEM_PLACEHOLDERS) expect(readme).toContain(`\`{{${p}}}\``);
  });
});
