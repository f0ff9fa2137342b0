import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** jest transpiles without type checking; this keeps the whole repository, tests included, strictly typed. */
describe('TypeScript', () => {
  it('type-checks the whole repository in strict mode', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
    expect(run.stdout.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
    expect(run.status).toBe(0);
  }, 180000);
});
