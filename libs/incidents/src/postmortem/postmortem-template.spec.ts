import { POSTMORTEM_PLACEHOLDERS } from './postmortem-placeholders';
import { parsePostmortemTemplate } from './postmortem-template';
import { PostmortemTemplateError } from './postmortem-template-error';

function parseError(text: string, name = 'custom'): PostmortemTemplateError {
  try {
    parsePostmortemTemplate(name, text);
  } catch (error) {
    if (error instanceof PostmortemTemplateError) return error;
    throw error;
  }
  throw new Error('expected a PostmortemTemplateError');
}

describe('parsePostmortemTemplate', () => {
  it('splits text and placeholders, with their positions', () => {
    const template = parsePostmortemTemplate('t', '# {{title}}\n\nLed by {{ commander }}, root cause {{root_cause.service}}.\n');
    expect(template.name).toBe('t');
    expect(template.segments).toEqual([
      { kind: 'text', text: '# ' },
      { kind: 'placeholder', name: 'title', line: 1, column: 3 },
      { kind: 'text', text: '\n\nLed by ' },
      { kind: 'placeholder', name: 'commander', line: 3, column: 8 },
      { kind: 'text', text: ', root cause ' },
      { kind: 'placeholder', name: 'root_cause.service', line: 3, column: 36 },
      { kind: 'text', text: '.\n' },
    ]);
  });

  it('accepts every known placeholder, and a template with none', () => {
    const text = POSTMORTEM_PLACEHOLDERS.map((p) => `{{${p}}}`).join('\n');
    expect(parsePostmortemTemplate('all', text).segments.filter((s) => s.kind === 'placeholder')).toHaveLength(POSTMORTEM_PLACEHOLDERS.length);
    expect(parsePostmortemTemplate('static', 'Nothing to fill.').segments).toEqual([{ kind: 'text', text: 'Nothing to fill.' }]);
  });

  it('names the template, line and column of an unknown placeholder, and lists the known ones', () => {
    const error = parseError('# Postmortem\n\nTitle: {{titel}}\n', 'payments');
    expect(error).toMatchObject({ templateName: 'payments', line: 3, column: 8, problem: 'unknown_placeholder', placeholder: 'titel', retriable: false });
    expect(error.knownPlaceholders).toEqual(POSTMORTEM_PLACEHOLDERS);
    expect(error.message).toContain('postmortem template "payments", line 3, column 8: unknown placeholder {{titel}}');
    expect(error.message).toContain('{{title}}, ');
    expect(error.message).toContain('{{durations}}');
  });

  it.each([
    ['an unknown sub-name', 'x {{root_cause.owner}}', 1, 3, 'root_cause.owner'],
    ['an empty placeholder', '\n  {{}}', 2, 3, ''],
    ['an expression', '{{title + 1}}', 1, 1, 'title + 1'],
    ['a property lookup', '{{constructor.name}}', 1, 1, 'constructor.name'],
    ['triple braces', 'ok\n{{{title}}}', 2, 1, '{title'],
  ])('refuses %s', (_, text, line, column, placeholder) => {
    expect(parseError(text)).toMatchObject({ problem: 'unknown_placeholder', line, column, placeholder });
  });

  it.each([
    ['at the end of the template', 'Summary\n\n## Impact {{title', 3, 11],
    ['before the end of its line', 'a {{title\n}} b', 1, 3],
    ['before another one opens', 'x\ny {{title {{status}}', 2, 3],
  ])('refuses a "{{" not closed %s, naming line and column', (_, text, line, column) => {
    const error = parseError(text, 'brief');
    expect(error).toMatchObject({ templateName: 'brief', problem: 'unclosed', line, column, placeholder: null });
    expect(error.message).toContain(`postmortem template "brief", line ${line}, column ${column}: "{{" is not closed`);
  });

  it('refuses an empty template', () => {
    expect(parseError('')).toMatchObject({ problem: 'empty', line: 1, column: 1 });
    expect(parseError(' \n\t\r\n')).toMatchObject({ problem: 'empty', templateName: 'custom' });
  });

  it('counts positions the same on CRLF files and ignores a byte-order mark', () => {
    expect(parseError('\uFEFFline one\r\nline {{two}}\r\n')).toMatchObject({ line: 2, column: 6 });
  });

  it('reads \\{{ as a literal "{{"', () => {
    expect(parsePostmortemTemplate('t', 'write \\{{title}} for the title: {{title}}').segments).toEqual([
      { kind: 'text', text: 'write {{title}} for the title: ' },
      { kind: 'placeholder', name: 'title', line: 1, column: 33 },
    ]);
  });

  it('returns a frozen template', () => {
    const template = parsePostmortemTemplate('t', '{{title}}');
    expect(Object.isFrozen(template)).toBe(true);
    expect(Object.isFrozen(template.segments)).toBe(true);
  });
});
