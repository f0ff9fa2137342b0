import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '@vigil/store';

const root = join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WORKER_NODE_FLAGS } = require(join(root, 'tools', 'runtime.js')) as { WORKER_NODE_FLAGS: string[] };

export interface WorkerHandle {
  child: ChildProcess;
  url: string;
  /** Peak resident memory of the worker so far (VmHWM), in MiB. */
  peakRssMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/**
 * One worker process of the compiled product, as production runs it: `vigil ingest`, or
 * `vigil start` for ingest and detect (and the API) in one process.
 */
export async function startWorker(env: Record<string, string>, port: number, command: 'ingest' | 'start' = 'ingest'): Promise<WorkerHandle> {
  // e.g. VIGIL_BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the worker.
  // The worker runs with the flags production uses (tools/runtime.js); the ceiling gets the same.
  // VIGIL_BENCH_WORKER_NODE_ARGS / VIGIL_BENCH_START_NODE_ARGS add more, e.g. --cpu-prof.
  const extra = process.env[command === 'start' ? 'VIGIL_BENCH_START_NODE_ARGS' : 'VIGIL_BENCH_WORKER_NODE_ARGS'] ?? '';
  const nodeArgs = [...WORKER_NODE_FLAGS, ...extra.split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps', 'cli', 'bin', 'vigil.js'), command, '--port', String(port)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ingest worker exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('ingest worker not ready within 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = child.pid as number;
  return {
    child,
    url,
    peakRssMb: () => statusKb(pid, 'VmHWM') / 1024,
    rssMb: () => statusKb(pid, 'VmRSS') / 1024,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Sum of applied offsets over every partition (of `topics`, or all): everything below is durable. */
export async function appliedMessages(db: Database, topics?: readonly string[]): Promise<number> {
  const { rows } = topics
    ? await db.query<{ n: string | null }>('SELECT sum(next_offset)::text AS n FROM ingest_offsets WHERE topic = ANY($1)', [topics])
    : await db.query<{ n: string | null }>('SELECT sum(next_offset)::text AS n FROM ingest_offsets');
  return Number(rows[0]?.n ?? 0);
}

export async function appliedOffsets(db: Database): Promise<Map<string, bigint>> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>('SELECT topic, partition, next_offset::text AS next_offset FROM ingest_offsets');
  return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
}
