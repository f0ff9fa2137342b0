import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTableMarkdown } from '@vigil/config';

const readmePath = join(__dirname, '..', '..', 'README.md');
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** The README is a promise to users; these keep it true as the code changes. */
describe('README', () => {
  const readme = (): string => readFileSync(readmePath, 'utf8');

  it('lists every configuration variable exactly as the schema defines it', () => {
    const text = readme();
    const section = text.slice(text.indexOf(START) + START.length, text.indexOf(END)).trim();
    const expected = configTableMarkdown();
    if (process.env['UPDATE_README'] === '1' && section !== expected) {
      writeFileSync(readmePath, `${text.slice(0, text.indexOf(START) + START.length)}\n${expected}\n${text.slice(text.indexOf(END))}`);
      return;
    }
    expect(section).toBe(expected);
  });

  it('opens with what Vigil is, then exactly the two set-up commands', () => {
    const text = readme();
    const firstBlock = text.match(/```sh\n([\s\S]*?)```/);
    expect(text.indexOf('Vigil is')).toBeLessThan(text.indexOf('```'));
    const commands = (firstBlock?.[1] ?? '').trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm start', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test']).toBe('bash test/run.sh');
    expect(pkg.scripts['start']).toMatch(/^node tools\/bootstrap\.mjs start/);
  });

  it('is what .ci/run runs', () => {
    const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^exec npm test --silent$/m);
  });
});
