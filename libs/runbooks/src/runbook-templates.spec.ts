import { findPlaceholderProblems, RUNBOOK_PLACEHOLDERS, substitutePlaceholders } from './runbook-templates';

const vars = { service: 'payments', 'incident.id': 'inc-42', 'incident.number': '42', runbook: 'payments-error-burst-rollback', 'run.id': 'run_7.a' };

describe('substitutePlaceholders', () => {
  it('lists the placeholders', () => {
    expect(RUNBOOK_PLACEHOLDERS).toEqual(['service', 'incident.id', 'incident.number', 'runbook', 'run.id']);
  });

  it('replaces every placeholder in every string of a nested value, and leaves keys and other values alone', () => {
    const input = {
      url: 'https://x.example/{{service}}/restart?run={{run.id}}',
      headers: { '{{service}}': 'incident {{incident.number}}' },
      body: { list: ['{{ runbook }}', 3, true, null, { id: '{{incident.id}}' }] },
    };
    const result = substitutePlaceholders(input, vars);
    expect(result).toEqual({
      ok: true,
      value: {
        url: 'https://x.example/payments/restart?run=run_7.a',
        headers: { '{{service}}': 'incident 42' },
        body: { list: ['payments-error-burst-rollback', 3, true, null, { id: 'inc-42' }] },
      },
    });
    expect(input.url).toContain('{{service}}'); // the input is not changed
  });

  it.each(['payments; rm -rf /', '$(id)', '`id`', 'a b', '../x', '..', '.', 'x/y', "pay'ments", 'pay"ments', 'a\nb', 'a|b', 'a&b', '', '${HOME}', 'a'.repeat(254)])(
    'refuses to substitute %j',
    (value) => {
      const result = substitutePlaceholders({ args: ['--name', 'svc-{{service}}'] }, { ...vars, service: value });
      expect(result).toEqual({ ok: false, placeholder: '{{service}}', reason: expect.stringContaining(`refused to substitute ${JSON.stringify(value)} for {{service}}`) });
    },
  );

  it('substitutes plain names', () => {
    for (const value of ['payments', 'payments-v2', 'ledger_01', 'a.b.c', '...x', 'A9']) {
      expect(substitutePlaceholders('{{service}}', { service: value })).toEqual({ ok: true, value });
    }
  });

  it('fails on an unknown placeholder, a known one without a value, and a malformed one', () => {
    expect(substitutePlaceholders({ a: ['{{incident.title}}'] }, vars)).toEqual({ ok: false, placeholder: '{{incident.title}}', reason: expect.stringMatching(/^unknown placeholder \{\{incident\.title\}\} \(known: /) });
    expect(substitutePlaceholders('{{incident.id}}', { service: 'x' })).toEqual({ ok: false, placeholder: '{{incident.id}}', reason: expect.stringContaining('has no value') });
    expect(substitutePlaceholders('{{service', vars)).toEqual({ ok: false, placeholder: '{{', reason: expect.stringContaining('malformed placeholder') });
    expect(substitutePlaceholders('{{constructor}}', vars)).toMatchObject({ ok: false, reason: expect.stringContaining('unknown placeholder') });
  });

  it('never scans what it substituted', () => {
    // Even if a value could hold a placeholder, it would not be expanded: one pass over the input only.
    const result = substitutePlaceholders('{{service}}{{runbook}}', { ...vars, service: 'a', runbook: 'b' });
    expect(result).toEqual({ ok: true, value: 'ab' });
    expect(substitutePlaceholders('{{{service}}}', vars)).toEqual({ ok: true, value: '{payments}' });
  });
});

describe('findPlaceholderProblems', () => {
  it('finds unknown and malformed placeholders and placeholders in keys, with their paths', () => {
    expect(findPlaceholderProblems({ a: '{{service}} {{svc}}', b: ['ok', '{{run.id'], '{{service}}': 1 }, ['with'])).toEqual([
      expect.objectContaining({ path: ['with', 'a'], placeholder: '{{svc}}', inKey: false }),
      expect.objectContaining({ path: ['with', 'b', 1], placeholder: '{{', inKey: false }),
      expect.objectContaining({ path: ['with', '{{service}}'], inKey: true }),
    ]);
    expect(findPlaceholderProblems({ url: 'https://x/{{service}}/{{incident.number}}' })).toEqual([]);
  });
});
