import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line: number;
}

/** ESLint loads its config with a dynamic import jest's sandbox lacks, so it runs as its own process. */
function eslint(args: string[], input?: string): { filePath: string; messages: LintMessage[] }[] {
  const run = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd: root, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { filePath: string; messages: LintMessage[] }[];
}

/**
 * The arrows of the architecture are enforced by lint: pure cores cannot reach frameworks or
 * drivers, libs cannot reach apps. Each case lints a file placed inside a real project.
 */
describe('module boundaries (Nx + ESLint)', () => {
  beforeAll(() => {
    // The rule reads Nx's project graph; without one it would silently skip, so build it first.
    execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'pipe',
    });
  }, 120000);

  const boundaryErrors = async (file: string, code: string): Promise<string[]> => {
    const [result] = eslint(['--stdin', '--stdin-filename', join(root, file)], code);
    return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  };

  it('fails a core lib importing kafkajs', async () => {
    const errors = await boundaryErrors('libs/otlp/src/forbidden.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n");
    expect(errors).toEqual([expect.stringMatching(/type:core.*not allowed to import "kafkajs"/)]);
  });

  it.each([
    ['pg', "import { Pool } from 'pg';\nexport const p = Pool;\n"],
    ['@nestjs/common', "import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n"],
    ['@electric-sql/pglite', "import { PGlite } from '@electric-sql/pglite';\nexport const g = PGlite;\n"],
  ])('fails a core lib importing %s', async (pkg, code) => {
    const errors = await boundaryErrors('libs/otlp/src/forbidden.ts', code);
    expect(errors.join('\n')).toContain(`not allowed to import "${pkg}"`);
  });

  it('fails a core lib importing an adapter lib, and contracts importing anything but zod', async () => {
    expect(await boundaryErrors('libs/otlp/src/forbidden.ts', "import { migrate } from '@vigil/store';\nexport const m = migrate;\n")).toHaveLength(1);
    expect(await boundaryErrors('libs/contracts/src/forbidden.ts', "import pino from 'pino';\nexport const p = pino;\n")).toHaveLength(1);
  });

  it('fails a lib importing an app', async () => {
    expect(await boundaryErrors('libs/store/src/forbidden.ts', "import { startApi } from '@vigil/api';\nexport const s = startApi;\n")).toHaveLength(1);
  });

  it('allows the same kafkajs import in the bus adapter', async () => {
    expect(await boundaryErrors('libs/bus/src/allowed.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n")).toEqual([]);
  });

  it('finds the whole repository clean', async () => {
    const results = eslint(['apps', 'libs', 'test', 'tools']);
    const problems = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(problems).toEqual([]);
  }, 120000);
});
