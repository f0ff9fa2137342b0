import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbookFolder } from '@vigil/responder';
import { runVigilCommand } from '../harness/cli-command';

const SHIPPED = join(__dirname, '..', '..', 'runbooks');

const valid = (name: string): string => `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: ${name}
triggers:
  - on: alert
    labels:
      alertname: Test
steps:
  - type: verify
    name: healed
    withinMinutes: 5
`;

describe('vigil runbooks validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-runbooks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the shipped runbooks: exit 0, each with its triggers and risk', async () => {
    const { code, out } = await runVigilCommand('runbooks', ['validate', SHIPPED]);
    expect(code).toBe(0);
    expect(out.filter((l) => l.startsWith('ok '))).toHaveLength(5);
    expect(out).toContainEqual(expect.stringMatching(/^ok gateway-scale-ahead \(.*gateway-scale-ahead\.yaml\): risk low \(runs without approval\); triggers forecast\(service=gateway, /));
    expect(out).toContainEqual(expect.stringMatching(/^ok postgres-cancel-blockers .* triggers incident\(severity=sev1\|sev2, service=postgres\), alert\(alertname=PostgresLockWait\)$/));
    expect(out[out.length - 1]).toMatch(/: 5 files, 5 valid runbooks, 0 errors$/);
  });

  it('prints a broken file as file:line:column: path: message and exits 1', async () => {
    writeFileSync(join(dir, 'good.yaml'), valid('good'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      valid('broken').replace('    withinMinutes: 5\n', '    withinMinutes: soon\n'), // line 12, column 20
    );
    const { code, out } = await runVigilCommand('runbooks', ['validate', dir]);
    expect(code).toBe(1);
    expect(out).toContain(`${join(dir, 'broken.yaml')}:12:20: steps[0].withinMinutes: expected number, got string "soon"`);
    expect(out).toContainEqual(expect.stringMatching(/^ok good /));
    expect(out[out.length - 1]).toBe(`${dir}: 2 files, 1 valid runbook, 1 error`);
  });

  it('checks action parameters against the shipped action catalog', async () => {
    const step = (action: string, params: string) => `${valid('acting').replace(/steps:[\s\S]*$/, '')}steps:
  - type: action
    name: act
    action: ${action}
    target: deployment/payments
    with:
${params}`;
    writeFileSync(join(dir, 'params.yaml'), step('kubernetes.scale', '      deployment: payments\n      replicas: three\n'));
    writeFileSync(join(dir, 'type.yaml'), step('kubernetes.scaleUp', '      deployment: payments\n').replace('name: acting', 'name: typo'));
    const { code, out } = await runVigilCommand('runbooks', ['validate', dir]);
    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/params\.yaml:16:17: steps\[0\]\.with\.replicas: kubernetes\.scale: /));
    expect(out).toContainEqual(expect.stringMatching(/type\.yaml:12:13: steps\[0\]\.action: unknown action type "kubernetes\.scaleUp" \(known: .*kubernetes\.scale, /));
  });

  it('reads *.yaml and *.yml recursively in sorted order, and refuses two runbooks with one name', async () => {
    mkdirSync(join(dir, 'team-b'));
    mkdirSync(join(dir, '.hidden'));
    writeFileSync(join(dir, 'team-b', 'z.yml'), valid('shared'));
    writeFileSync(join(dir, 'a.yaml'), valid('shared'));
    writeFileSync(join(dir, 'm.yaml'), valid('other'));
    writeFileSync(join(dir, 'notes.md'), '# not a runbook');
    writeFileSync(join(dir, '.hidden', 'x.yaml'), 'not: [valid');
    const folder = await loadRunbookFolder(dir);
    expect(folder.runbooks.map((r) => r.file)).toEqual([join(dir, 'a.yaml'), join(dir, 'm.yaml')]);
    expect(folder.errors).toEqual([
      { file: join(dir, 'team-b', 'z.yml'), line: 4, column: 9, path: 'metadata.name', message: `runbook name "shared" is already used by ${join(dir, 'a.yaml')}: names must be unique` },
    ]);
  });

  it('refuses an oversized file without reading it, and a folder that is not there', async () => {
    writeFileSync(join(dir, 'huge.yaml'), `${valid('huge')}# ${'x'.repeat(300 * 1024)}\n`);
    const { code, out } = await runVigilCommand('runbooks', ['validate', dir]);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/huge\.yaml:1:1: \(root\): file is \d+ bytes: a runbook may be at most 262144 bytes/);
    const missing = await runVigilCommand('runbooks', ['validate', join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.out).toEqual([`vigil runbooks validate: ${join(dir, 'nope')} is not a folder of runbooks`]);
  });

  it('is documented: the runbooks README shows a complete example that validates', async () => {
    const readme = readFileSync(join(SHIPPED, 'README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## A complete example')))?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(dir, 'example.yaml'), example as string);
    const { code, out } = await runVigilCommand('runbooks', ['validate', dir]);
    expect(out).toContainEqual(expect.stringMatching(/1 valid runbook, 0 errors$/));
    expect(code).toBe(0);
  });

  it('wants the validate sub-command', async () => {
    await expect(runVigilCommand('runbooks', ['check'])).rejects.toThrow("unknown sub-command 'check' (expected validate)");
  });
});
