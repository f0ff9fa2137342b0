import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellRunAction, shellRunParams, type ActionContext } from '@vigil/actions';

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return { runId: 'run-9', stepKey: 'run-9:drain:1', dryRun: false, signal: new AbortController().signal, target: 'host/payments-1', ...overrides };
}

describe('shell.run', () => {
  const action = createShellRunAction();
  const marker = join(tmpdir(), `vigil-shell-${randomBytes(6).toString('hex')}`);

  afterEach(() => rmSync(marker, { force: true }));

  it('runs the program with its arguments and captures stdout', async () => {
    const result = await action.run(shellRunParams.parse({ command: '/bin/echo', args: ['drain', 'payments-1'] }), context());
    expect(result).toMatchObject({ outcome: 'succeeded', data: { exitCode: 0, stdout: 'drain payments-1\n', stderr: '', started: true } });
    expect(result.detail).toBe('/bin/echo exited 0: drain payments-1');
  });

  it('passes shell syntax in arguments literally: nothing is executed', async () => {
    const args = [`; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `&& touch ${marker}`, '*'];
    expect(existsSync(marker)).toBe(false);
    const result = await action.run(shellRunParams.parse({ command: '/bin/echo', args }), context());

    expect(result.outcome).toBe('succeeded');
    expect(result.data?.['stdout']).toBe(`${args.join(' ')}\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a relative command, in the schema and in the adapter itself', async () => {
    expect(shellRunParams.safeParse({ command: 'echo', args: [] }).success).toBe(false);
    expect(shellRunParams.safeParse({ command: '/bin/../bin/echo', args: [] }).success).toBe(false);
    // Called without the schema (defence in depth): still refused, nothing started.
    const result = await action.run({ command: 'touch', args: [marker] }, context());
    expect(result).toMatchObject({ outcome: 'failed', data: { started: false } });
    expect(result.detail).toMatch(/^refused: command must be an absolute program path/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an argument containing NUL', async () => {
    expect(shellRunParams.safeParse({ command: '/bin/echo', args: ['a\0b'] }).success).toBe(false);
    const result = await action.run({ command: '/bin/echo', args: ['ok', 'a\0b'] }, context());
    expect(result).toMatchObject({ outcome: 'failed', detail: 'refused: argument 1 contains a NUL byte' });
  });

  it('runs in a fixed environment, not the engine’s', async () => {
    process.env['VIGIL_TEST_LEAK'] = 'should-not-be-seen';
    try {
      const result = await action.run(shellRunParams.parse({ command: '/usr/bin/env', args: [] }), context());
      const lines = String(result.data?.['stdout']).trim().split('\n').sort();
      expect(lines).toEqual(['LANG=C.UTF-8', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'VIGIL_RUN_ID=run-9', 'VIGIL_STEP_KEY=run-9:drain:1']);
    } finally {
      delete process.env['VIGIL_TEST_LEAK'];
    }
  });

  it('fails on a non-zero exit with stderr in detail and data', async () => {
    const result = await action.run(shellRunParams.parse({ command: '/bin/ls', args: ['/definitely/not/here'] }), context());
    expect(result).toMatchObject({ outcome: 'failed', data: { exitCode: 2 } });
    expect(result.detail).toMatch(/^\/bin\/ls exited 2: .*No such file or directory/);
    expect(result.data?.['stderr']).toContain('/definitely/not/here');
  });

  it('truncates output to 4 KiB', async () => {
    const result = await action.run(shellRunParams.parse({ command: '/usr/bin/seq', args: ['1', '5000'] }), context());
    expect(result.outcome).toBe('succeeded');
    expect(Buffer.byteLength(String(result.data?.['stdout']))).toBe(4096);
    expect(result.data?.['stdoutTruncated']).toBe(true);
  });

  it('is stopped by the step signal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('step timed out')), 100);
    const started = Date.now();
    const result = await action.run(shellRunParams.parse({ command: '/bin/sleep', args: ['30'] }), context({ signal: controller.signal }));
    expect(result.outcome).toBe('failed');
    expect(result.detail).toBe('/bin/sleep stopped: step timed out');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('dry run does not start the program', async () => {
    const result = await action.run(shellRunParams.parse({ command: '/usr/bin/touch', args: [marker] }), context({ dryRun: true }));
    expect(result).toMatchObject({ outcome: 'succeeded', data: { started: false, dryRun: true } });
    expect(result.detail).toContain('dry run: would run /usr/bin/touch');
    expect(existsSync(marker)).toBe(false);
  });
});
