import { BLOCK_KIT_LIMITS, channelNameFor, channelTopicFor, incidentCard, SLACK_ACTION_IDS, timelineMessage, truncate, type DeskIncident, type SlackBlock } from '@vigil/slack';

const base: DeskIncident = {
  id: 'inc-0d8f1c2e-1111-4222-8333-944455566677',
  number: 42,
  title: 'Card payments failing in EU',
  status: 'triggered',
  severity: 'sev1',
  services: ['payments', 'gateway'],
  commander: null,
  openedAt: '2025-11-25T02:00:00.000Z',
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  rootCauseHints: [],
  signals: [],
  similar: [],
  suggestedRunbooks: [],
  pendingApprovals: [],
  dashboardUrl: 'https://vigil.example.com/#/incidents/inc-0d8f1c2e-1111-4222-8333-944455566677',
};

const incident = (over: Partial<DeskIncident> = {}): DeskIncident => ({ ...base, ...over });
type Element = { type: string; action_id?: string; value?: string; url?: string; text?: { text: string }; options?: { value: string }[] };
const elements = (blocks: SlackBlock[]): Element[] => blocks.flatMap((b) => ('elements' in b ? (b.elements as Element[]) : []));
const actionIds = (blocks: SlackBlock[]): string[] => elements(blocks).map((e) => e.action_id ?? '').filter(Boolean);
const texts = (blocks: SlackBlock[]): string[] =>
  blocks.flatMap((b) => {
    const out: string[] = [];
    if (b.type === 'section' && b.text) out.push(b.text.text);
    if ('fields' in b && b.fields) out.push(...b.fields.map((f) => f.text));
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
    return out;
  });

/** The Block Kit views: pure functions from an incident (or a timeline entry) to a Slack message. */
describe('incident card', () => {
  it('shows number and title, severity, status, services, and every action with JSON values naming the incident', () => {
    const card = incidentCard(incident({ suggestedRunbooks: ['restart-payments', 'drain-eu'] }));
    expect(card.blocks[0]).toEqual({ type: 'header', block_id: 'incident_header', text: { type: 'plain_text', text: '#42 Card payments failing in EU', emoji: false } });
    expect(texts(card.blocks)).toEqual(expect.arrayContaining(['*Severity*\n:red_circle: sev1', '*Status*\nTriggered', '*Affected services*\npayments, gateway']));
    expect(texts(card.blocks).join('\n')).toContain('*Suggested runbook:* `restart-payments` (also matching: drain-eu)');
    expect(actionIds(card.blocks)).toEqual([
      SLACK_ACTION_IDS.acknowledge, SLACK_ACTION_IDS.mitigate, SLACK_ACTION_IDS.resolve, SLACK_ACTION_IDS.severity, SLACK_ACTION_IDS.runRunbook, SLACK_ACTION_IDS.postmortem, 'incident_open_dashboard',
    ]);
    const byId = new Map(elements(card.blocks).map((e) => [e.action_id, e]));
    expect(JSON.parse(byId.get(SLACK_ACTION_IDS.acknowledge)?.value ?? '')).toEqual({ incidentId: base.id });
    expect(JSON.parse(byId.get(SLACK_ACTION_IDS.runRunbook)?.value ?? '')).toEqual({ incidentId: base.id, runbook: 'restart-payments' });
    expect(byId.get(SLACK_ACTION_IDS.runRunbook)?.text?.text).toBe('Run restart-payments');
    expect(byId.get(SLACK_ACTION_IDS.severity)?.options?.map((o) => JSON.parse(o.value) as unknown)).toEqual(['sev1', 'sev2', 'sev3', 'sev4'].map((severity) => ({ incidentId: base.id, severity })));
    expect(byId.get('incident_open_dashboard')?.url).toBe(base.dashboardUrl);
    expect(card.text).toBe('#42 Card payments failing in EU — sev1, Triggered (payments, gateway)');
  });

  it('offers only the moves the status allows, and no runbook button without a suggestion', () => {
    expect(actionIds(incidentCard(incident({ status: 'acknowledged' })).blocks)).toEqual([SLACK_ACTION_IDS.mitigate, SLACK_ACTION_IDS.resolve, SLACK_ACTION_IDS.severity, SLACK_ACTION_IDS.postmortem, 'incident_open_dashboard']);
    expect(actionIds(incidentCard(incident({ status: 'mitigated' })).blocks)).toEqual([SLACK_ACTION_IDS.resolve, SLACK_ACTION_IDS.severity, SLACK_ACTION_IDS.postmortem, 'incident_open_dashboard']);
    const resolved = incidentCard(incident({ status: 'resolved', resolvedAt: '2025-11-25T03:00:00.000Z', suggestedRunbooks: ['restart-payments'] }));
    expect(actionIds(resolved.blocks)).toEqual([SLACK_ACTION_IDS.severity, SLACK_ACTION_IDS.postmortem, 'incident_open_dashboard']);
    expect(texts(resolved.blocks).join('\n')).toContain('*Resolved*\n<!date^1764039600^');
  });

  it('lists the top 5 anomalies (observed vs expected), 3 root-cause hints with score, 3 similar incidents with their fix', () => {
    const card = incidentCard(
      incident({
        signals: Array.from({ length: 8 }, (_, i) => ({ service: `svc${i}`, signal: 'span:server:POST /pay#errors', kind: 'span_red', observed: 0.31234, expected: 0.01, summary: `summary ${i}`, recovered: i === 1 })),
        rootCauseHints: Array.from({ length: 5 }, (_, i) => ({ service: `db${i}`, signal: 'p95', score: 0.9 - i / 10, evidence: {} })),
        similar: Array.from({ length: 5 }, (_, i) => ({ number: 10 + i, title: `past ${i}`, similarity: 0.876, resolution: 'rolled back deploy 412', fixedBy: ['restart-payments'] })),
      }),
    );
    const all = texts(card.blocks).join('\n');
    expect(all).toContain(':small_red_triangle: *svc0* span:server:POST /pay#errors (span_red): observed *0.3123* vs expected 0.01 — summary 0');
    expect(all).toContain(':white_check_mark: *svc1*');
    expect(all).toContain('*svc4*');
    expect(all).not.toContain('*svc5*');
    expect(all).toContain('1. *db0* p95 — score 0.9');
    expect(all).toContain('3. *db2* p95 — score 0.7');
    expect(all).not.toContain('db3');
    expect(all).toContain('• #10 past 0 (88% similar) — fixed by `restart-payments`; rolled back deploy 412');
    expect(all).not.toContain('#13 past 3');
  });

  it('puts Approve / Reject buttons carrying the run id under every pending approval', () => {
    const card = incidentCard(incident({ pendingApprovals: [{ runId: 'run-1', runbook: 'scale-up', step: 'scale', roles: ['admin'] }, { runId: 'run-2', runbook: 'failover', step: 'promote', roles: [] }] }));
    const approvals = card.blocks.filter((b) => b.block_id?.startsWith('approval_actions_'));
    expect(approvals).toHaveLength(2);
    expect(approvals.map((b) => elements([b]).map((e) => [e.action_id, JSON.parse(e.value ?? '')]))).toEqual([
      [[SLACK_ACTION_IDS.approve, { incidentId: base.id, runId: 'run-1' }], [SLACK_ACTION_IDS.reject, { incidentId: base.id, runId: 'run-1' }]],
      [[SLACK_ACTION_IDS.approve, { incidentId: base.id, runId: 'run-2' }], [SLACK_ACTION_IDS.reject, { incidentId: base.id, runId: 'run-2' }]],
    ]);
    expect(texts(card.blocks).join('\n')).toContain(':raised_hand: *Approval needed* — runbook `scale-up`, step `scale` (admin)');
  });

  it('escapes &, < and > in everything that came from the incident, so nobody is @-mentioned or linked by telemetry', () => {
    const card = incidentCard(
      incident({
        title: 'Latency <!channel> & <https://evil.example|click here>',
        services: ['a<b>', 'c&d'],
        signals: [{ service: 'svc', signal: 'x', kind: 'metric', observed: 1, expected: 2, summary: 'ping <@U123> & <!here>', recovered: false }],
      }),
    );
    const all = texts(card.blocks).join('\n');
    expect(all).toContain('ping &lt;@U123&gt; &amp; &lt;!here&gt;');
    expect(all).toContain('a&lt;b&gt;, c&amp;d');
    expect(card.text).toBe('#42 Latency &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt; — sev1, Triggered (a&lt;b&gt;, c&amp;d)');
    for (const t of texts(card.blocks)) expect(t.replace(/<!date\^\d+\^[^|>]+\|[^>]+>/g, '')).not.toMatch(/[<>]/);
    // plain_text is shown literally by Slack: not escaped, never parsed.
    expect((card.blocks[0] as { text: { text: string } }).text.text).toBe('#42 Latency <!channel> & <https://evil.example|click here>');
  });

  it('masks card numbers, tokens and JWTs someone typed into an incident', () => {
    const card = incidentCard(incident({ title: 'Card 4111 1111 1111 1111 declined', signals: [{ service: 'svc', signal: 'x', kind: 'metric', observed: 1, expected: 2, summary: 'Authorization: Bearer abc.def.ghi', recovered: false }] }));
    const json = JSON.stringify(card);
    expect(json).not.toContain('4111 1111 1111 1111');
    expect(json).toContain('[PAN ****1111]');
    expect(json).not.toContain('abc.def.ghi');
  });

  it('stays within Block Kit limits: header 150, section 3000, ≤ 50 blocks, button values ≤ 2000', () => {
    const long = 'x'.repeat(5000);
    const card = incidentCard(
      incident({
        title: `${'Very long title & more '.repeat(20)}`,
        services: Array.from({ length: 300 }, (_, i) => `service-${i}`),
        signals: Array.from({ length: 5 }, () => ({ service: long, signal: long, kind: 'metric', observed: 1e300, expected: -0.0000123, summary: long, recovered: false })),
        pendingApprovals: Array.from({ length: 40 }, (_, i) => ({ runId: `run-${i}`, runbook: 'r', step: 's', roles: ['responder'] })),
        suggestedRunbooks: ['restart'],
      }),
    );
    expect(card.blocks.length).toBeLessThanOrEqual(50);
    const header = card.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
    for (const b of card.blocks) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'section' && b.fields) for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    for (const e of elements(card.blocks)) if (e.value) expect(e.value.length).toBeLessThanOrEqual(2000);
    // The incident's own actions survive the cut (approvals beyond the room are on the dashboard).
    expect(card.blocks.some((b) => b.block_id === 'incident_actions')).toBe(true);
    expect(card.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.messageText);
  });

  it('never cuts an escape in half', () => {
    expect(truncate('ab&amp;cd', 5)).toBe('ab…');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('timeline message', () => {
  it('says what happened, who and when; escaped and masked', () => {
    const m = timelineMessage({ type: 'note', actor: 'alice <admin>', text: 'customer 4111-1111-1111-1111 says <!channel> & more', atMs: Date.parse('2025-11-25T02:00:00Z') });
    expect(m.text).toBe('customer [PAN ****1111] says &lt;!channel&gt; &amp; more');
    expect(m.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':memo: customer [PAN ****1111] says &lt;!channel&gt; &amp; more' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'alice &lt;admin&gt; · note · <!date^1764036000^{date_short_pretty} {time}|2025-11-25T02:00:00Z>' }] },
    ]);
    expect(timelineMessage({ type: 'acknowledged', actor: 'bob', text: 'x'.repeat(10_000), atMs: 0 }).blocks[0]).toMatchObject({ text: { text: expect.stringMatching(/^:eyes: x+…$/) } });
  });
});

describe('channel name', () => {
  it('is inc-<number>-<slug>: lowercase a-z, 0-9 and single dashes, at most 80 characters', () => {
    expect(channelNameFor(42, 'Card payments failing in EU!')).toBe('inc-42-card-payments-failing-in-eu');
    expect(channelNameFor(7, '  DB primary DOWN -- again?? ')).toBe('inc-7-db-primary-down-again');
    expect(channelNameFor(7, 'Überweisungen: Zahlungsausfall – Café')).toBe('inc-7-uberweisungen-zahlungsausfall-cafe');
    expect(channelNameFor(7, '🔥🔥')).toBe('inc-7');
    const long = channelNameFor(123456, 'word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^inc-123456-[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('after name_taken: -2, -3, … still within 80 characters', () => {
    expect(channelNameFor(42, 'Card payments', 2)).toBe('inc-42-card-payments-2');
    const long = channelNameFor(42, 'a'.repeat(200), 13);
    expect(long.length).toBe(80);
    expect(long.endsWith('-13')).toBe(true);
  });

  it('has a topic with severity, status and services within 250 characters', () => {
    expect(channelTopicFor({ severity: 'sev1', status: 'acknowledged', services: ['payments', 'gateway'] })).toBe('sev1 · Acknowledged · payments, gateway');
    expect(channelTopicFor({ severity: 'sev2', status: 'triggered', services: Array.from({ length: 100 }, (_, i) => `service-${i}`) }).length).toBeLessThanOrEqual(250);
  });
});
