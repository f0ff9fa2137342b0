import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually, useTestDatabase } from '@vigil/testing';

const root = join(__dirname, '..', '..');
const vigil = join(root, 'apps', 'cli', 'bin', 'vigil.js');
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'HOST', 'VIGIL_CONFIG_FILE']) delete env[key];
  return env;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** `npx vigil` as a user runs it: a real process, real signals. */
describe('vigil CLI', () => {
  const pg = useTestDatabase({ migrate: false });
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('prints help listing its commands', () => {
    const run = spawnSync(process.execPath, [vigil, '--help'], { encoding: 'utf8', env: cleanEnv() });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Usage: vigil <command>/);
    expect(run.stdout).toMatch(/start\s+run the whole platform/);
    expect(run.stdout).toMatch(/migrate\s+apply pending/);
  });

  it('rejects an unknown command and bad configuration clearly', () => {
    const unknown = spawnSync(process.execPath, [vigil, 'launch'], { encoding: 'utf8', env: cleanEnv() });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'launch'/);
    const bad = spawnSync(process.execPath, [vigil, 'start'], { encoding: 'utf8', env: { ...cleanEnv(), PORT: 'eighty', KAFKA_BROKERS: 'nope' } });
    expect(bad.status).toBe(78);
    expect(bad.stderr).toMatch(/PORT: expected a port number/);
    expect(bad.stderr).toMatch(/KAFKA_BROKERS: expected host:port/);
  });

  it('migrates a PostgreSQL database, then finds it up to date', () => {
    const env = { ...cleanEnv(), DATABASE_URL: pg.url };
    const first = spawnSync(process.execPath, [vigil, 'migrate'], { encoding: 'utf8', env });
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toMatch(/^applied: 0001_log_records\.sql, 0002_rollups\.sql/);
    const second = spawnSync(process.execPath, [vigil, 'migrate'], { encoding: 'utf8', env });
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('starts with embedded defaults, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-data-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [vigil, 'start', '--port', String(port)], {
      env: { ...cleanEnv(), VIGIL_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = exitOf(child);
    try {
      const started = Date.now();
      await expectEventually(async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200), { timeoutMs: 60000, intervalMs: 200 });
      expect(Date.now() - started).toBeLessThan(60000);
      await expectEventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toMatch(/"msg":"stopped cleanly"/);
      const lines = output.split('\n').filter((l) => l.startsWith('{'));
      expect(lines.every((l) => JSON.parse(l) && true)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90000);
});
