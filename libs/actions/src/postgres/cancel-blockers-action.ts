import { Client } from 'pg';
import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { abortReason, AbortedError, ENV_NAME, errorMessage, failed, sleep, succeeded } from '../support';

export const cancelBlockersParams = z
  .object({
    /** Environment variable holding the connection URL (the role needs pg_signal_backend, or to own the sessions). */
    urlEnv: z.string().regex(ENV_NAME, 'expected the name of an environment variable').default('DATABASE_URL'),
    /** A session is a blocker when another has waited on its locks at least this long. */
    minBlockedSeconds: z.number().min(0).max(86_400).default(10),
    /** Also act on sessions whose transaction (or query, outside one) has run longer than this. */
    maxRuntimeSeconds: z.number().positive().max(604_800).optional(),
    /** How long a cancelled session may keep blocking before it is terminated. */
    terminateAfterSeconds: z.number().min(0).max(3600).default(30),
    /** application_name values never touched (replication tools, migrations, …). */
    excludeApplications: z.array(z.string().max(64)).max(100).optional(),
    /**
     * Look at sessions of every database on the server, not only the one the URL names (default
     * false). Even then a superuser's session in another database is never touched.
     */
    allDatabases: z.boolean().default(false),
  })
  .strict();
export type CancelBlockersParams = z.output<typeof cancelBlockersParams>;

export interface CancelBlockersOptions {
  env?: NodeJS.ProcessEnv;
  /** Between checks while waiting for a cancelled session to let go (default 250 ms). */
  pollIntervalMs?: number;
}

/** Our own connection is recognisable in pg_stat_activity. */
export const REMEDIATION_APPLICATION_NAME = 'vigil-remediation';
const QUERY_TEXT_LIMIT = 200;

type Reason = 'blocking' | 'long-running';
type Outcome = 'cancelled' | 'terminated' | 'gone' | 'released' | 'cancel-failed' | 'terminate-failed' | 'still-running' | 'would-cancel' | 'not-permitted' | 'aborted';

interface Session {
  pid: number;
  backendStart: string;
  user: string | null;
  application: string;
  database: string | null;
  state: string | null;
  query: string;
  runStartedAt: string | null;
  runningSeconds: number | null;
  superuser: boolean;
  sameDatabase: boolean;
  mayBeSignalled: boolean;
}

interface Target extends Session {
  reasons: Reason[];
  blockedPids: number[];
  blockedSeconds: number;
  outcome?: Outcome;
  note?: string;
}

interface Skipped {
  pid: number;
  application: string;
  query: string;
  reason: string;
}

/** Every client session but ours, with what deciding and reporting need. */
const SESSIONS_SQL = `
SELECT a.pid, a.backend_start::text AS backend_start, a.usename, coalesce(a.application_name, '') AS application,
       a.datname, a.state, left(coalesce(a.query, ''), ${QUERY_TEXT_LIMIT}) AS query,
       coalesce(a.xact_start, a.query_start)::text AS run_started_at,
       CASE WHEN a.state <> 'idle' THEN extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::float8 END AS running_seconds,
       coalesce(r.rolsuper, false) AS superuser,
       a.datname IS NOT DISTINCT FROM current_database() AS same_database,
       (me.rolsuper OR (NOT coalesce(r.rolsuper, false) AND (pg_has_role(current_user, 'pg_signal_backend', 'MEMBER')
          OR (a.usesysid IS NOT NULL AND pg_has_role(current_user, a.usesysid, 'MEMBER'))))) AS may_be_signalled
FROM pg_stat_activity a
LEFT JOIN pg_roles r ON r.oid = a.usesysid
CROSS JOIN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) me
WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
  AND ($1::boolean OR a.datname = current_database())`;

/** Who waits on whom: each lock waiter with the pids blocking it and how long it has waited. */
const WAITERS_SQL = `
SELECT w.pid, pg_blocking_pids(w.pid) AS blockers,
       extract(epoch FROM now() - coalesce((SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted), w.query_start))::float8 AS waited_seconds
FROM pg_stat_activity w
WHERE w.wait_event_type = 'Lock' AND w.pid <> pg_backend_pid()
  AND ($1::boolean OR w.datname = current_database())`;

interface Waiter {
  pid: number;
  blockers: number[];
  waitedSeconds: number;
}

async function readSessions(client: Client, allDatabases: boolean): Promise<Map<number, Session>> {
  const { rows } = await client.query(SESSIONS_SQL, [allDatabases]);
  const sessions = new Map<number, Session>();
  for (const row of rows as Record<string, unknown>[]) {
    const pid = Number(row['pid']);
    sessions.set(pid, {
      pid,
      backendStart: String(row['backend_start']),
      user: (row['usename'] as string | null) ?? null,
      application: String(row['application'] ?? ''),
      database: (row['datname'] as string | null) ?? null,
      state: (row['state'] as string | null) ?? null,
      query: String(row['query'] ?? ''),
      runStartedAt: (row['run_started_at'] as string | null) ?? null,
      runningSeconds: row['running_seconds'] === null ? null : Number(row['running_seconds']),
      superuser: row['superuser'] === true,
      sameDatabase: row['same_database'] === true,
      mayBeSignalled: row['may_be_signalled'] === true,
    });
  }
  return sessions;
}

async function readWaiters(client: Client, allDatabases: boolean): Promise<Waiter[]> {
  const { rows } = await client.query(WAITERS_SQL, [allDatabases]);
  return (rows as { pid: number; blockers: number[] | null; waited_seconds: number | null }[])
    .map((r) => ({ pid: Number(r.pid), blockers: (r.blockers ?? []).map(Number), waitedSeconds: Number(r.waited_seconds ?? 0) }))
    .filter((w) => w.blockers.length > 0);
}

/**
 * The sessions at the root of each wait chain: a blocker that is itself waiting is not the cause
 * (a waiter queued ahead of another shows up as its blocker too), so follow each waiter's
 * blockers until sessions that wait on nobody.
 */
export function rootBlockers(waiters: readonly Waiter[]): Map<number, { blockedPids: Set<number>; blockedSeconds: number }> {
  const waiting = new Map(waiters.map((w) => [w.pid, w]));
  const roots = new Map<number, { blockedPids: Set<number>; blockedSeconds: number }>();
  for (const waiter of waiters) {
    const seen = new Set<number>([waiter.pid]);
    const stack = [...waiter.blockers];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      const upstream = waiting.get(pid);
      if (upstream) {
        stack.push(...upstream.blockers);
        continue;
      }
      const root = roots.get(pid) ?? { blockedPids: new Set<number>(), blockedSeconds: 0 };
      root.blockedPids.add(waiter.pid);
      root.blockedSeconds = Math.max(root.blockedSeconds, waiter.waitedSeconds);
      roots.set(pid, root);
    }
  }
  return roots;
}

function isOffending(target: Target, sessions: Map<number, Session>, waiters: readonly Waiter[]): boolean {
  const now = sessions.get(target.pid);
  // Gone, or the pid now belongs to another backend.
  if (!now || now.backendStart !== target.backendStart) return false;
  if (target.reasons.includes('blocking') && rootBlockers(waiters).has(target.pid)) return true;
  return target.reasons.includes('long-running') && now.state !== 'idle' && now.runStartedAt === target.runStartedAt;
}

async function signal(client: Client, fn: 'pg_cancel_backend' | 'pg_terminate_backend', target: Target): Promise<boolean | 'gone'> {
  try {
    // Only the backend we saw (pid and start time): a pid recycled meanwhile is not touched.
    const { rows } = await client.query(`SELECT ${fn}(pid) AS ok FROM pg_stat_activity WHERE pid = $1 AND backend_start::text = $2`, [target.pid, target.backendStart]);
    if (rows.length === 0) return 'gone';
    return (rows[0] as { ok: boolean }).ok === true;
  } catch (error) {
    // Permission is checked by the server at signal time ("permission denied to cancel query").
    if ((error as { code?: string }).code === '42501') {
      target.note = errorMessage(error);
      return false;
    }
    throw error;
  }
}

function report(target: Target): Record<string, unknown> {
  return {
    pid: target.pid,
    user: target.user,
    application: target.application,
    database: target.database,
    state: target.state,
    query: target.query,
    reasons: target.reasons,
    blockedPids: target.blockedPids,
    blockedSeconds: Math.round(target.blockedSeconds * 10) / 10,
    runningSeconds: target.runningSeconds === null ? null : Math.round(target.runningSeconds * 10) / 10,
    action: target.outcome ?? 'none',
    ...(target.note ? { note: target.note } : {}),
  };
}

/**
 * `postgres.cancelBlockers`: relieves lock pile-ups. Finds the sessions at the root of lock waits
 * of at least `minBlockedSeconds` (via `pg_blocking_pids`), and optionally transactions running
 * longer than `maxRuntimeSeconds`; asks each to stop with `pg_cancel_backend`, waits (polling) up
 * to `terminateAfterSeconds` for it to let go, then `pg_terminate_backend`s those still at it.
 * Never its own session, an excluded application_name, or a superuser's session in another
 * database. Dry run lists what it would signal and whether this role may: signals are not
 * transactional (a cancel inside a rolled-back transaction is still sent), so there is no
 * server-side dry run.
 */
export function createCancelBlockersAction(options: CancelBlockersOptions = {}): RemediationAction<CancelBlockersParams> {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  return {
    type: 'postgres.cancelBlockers',
    params: cancelBlockersParams,
    serverDryRun: false,
    async run(params: CancelBlockersParams, context: ActionContext): Promise<ActionResult> {
      const env = options.env ?? process.env;
      const url = env[params.urlEnv];
      if (!url) return failed(`${params.urlEnv} is not set: no database to connect to`);
      if (context.signal.aborted) return failed(abortReason(context.signal));

      const client = new Client({ connectionString: url, application_name: REMEDIATION_APPLICATION_NAME, statement_timeout: 15_000, connectionTimeoutMillis: 10_000 });
      client.on('error', () => undefined); // a dropped connection surfaces as the next query's error
      const closeOnAbort = (): void => void client.end().catch(() => undefined);
      context.signal.addEventListener('abort', closeOnAbort, { once: true });
      const targets: Target[] = [];
      const skipped: Skipped[] = [];
      const data = (): Record<string, unknown> => ({ dryRun: context.dryRun, sessions: targets.map(report), skipped });
      try {
        await client.connect();
        const [sessions, waiters] = [await readSessions(client, params.allDatabases), await readWaiters(client, params.allDatabases)];
        const excluded = new Set(params.excludeApplications ?? []);

        const candidates = new Map<number, Target>();
        for (const [pid, root] of rootBlockers(waiters)) {
          if (root.blockedSeconds < params.minBlockedSeconds) continue;
          const session = sessions.get(pid);
          if (!session) continue; // not a client backend we can see (or our own)
          candidates.set(pid, { ...session, reasons: ['blocking'], blockedPids: [...root.blockedPids].sort((a, b) => a - b), blockedSeconds: root.blockedSeconds });
        }
        if (params.maxRuntimeSeconds !== undefined) {
          for (const session of sessions.values()) {
            if (session.runningSeconds === null || session.runningSeconds <= params.maxRuntimeSeconds) continue;
            const known = candidates.get(session.pid);
            if (known) known.reasons.push('long-running');
            else candidates.set(session.pid, { ...session, reasons: ['long-running'], blockedPids: [], blockedSeconds: 0 });
          }
        }
        for (const candidate of [...candidates.values()].sort((a, b) => a.pid - b.pid)) {
          if (excluded.has(candidate.application)) skipped.push({ pid: candidate.pid, application: candidate.application, query: candidate.query, reason: 'excluded application' });
          else if (candidate.superuser && !candidate.sameDatabase) skipped.push({ pid: candidate.pid, application: candidate.application, query: candidate.query, reason: `superuser session in database ${candidate.database ?? '(none)'}` });
          else targets.push(candidate);
        }
        const skippedNote = skipped.length ? `; left alone: ${skipped.map((s) => `pid ${s.pid} (${s.reason})`).join(', ')}` : '';
        if (targets.length === 0) return succeeded(`no session to cancel${skippedNote}`, data());

        if (context.dryRun) {
          for (const target of targets) target.outcome = target.mayBeSignalled ? 'would-cancel' : 'not-permitted';
          const list = targets.map((t) => `pid ${t.pid} (${t.reasons.join(', ')}${t.blockedPids.length ? `, blocks ${t.blockedPids.join(' ')}` : ''})`).join(', ');
          return succeeded(`dry run: would cancel, then terminate after ${params.terminateAfterSeconds} s if still blocking: ${list}${skippedNote}; nothing signalled`, data());
        }

        // 1. Ask politely (a session this role may not signal is reported, not tried).
        for (const target of targets) {
          if (!target.mayBeSignalled) {
            target.outcome = 'not-permitted';
            target.note = 'this role may not signal that session (needs pg_signal_backend or its role; never a superuser\'s unless superuser)';
            continue;
          }
          const ok = await signal(client, 'pg_cancel_backend', target);
          target.outcome = ok === 'gone' ? 'gone' : ok ? 'cancelled' : 'cancel-failed';
        }
        // 2. Wait for them to let go.
        const deadline = Date.now() + params.terminateAfterSeconds * 1000;
        let pending = targets.filter((t) => t.outcome === 'cancelled' || t.outcome === 'cancel-failed');
        for (;;) {
          const [now, nowWaiting] = [await readSessions(client, params.allDatabases), await readWaiters(client, params.allDatabases)];
          pending = pending.filter((t) => isOffending(t, now, nowWaiting));
          if (pending.length === 0 || Date.now() >= deadline) break;
          await sleep(Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())), context.signal);
        }
        for (const target of targets) {
          if (target.outcome === 'cancel-failed' && !pending.includes(target)) target.outcome = 'released';
        }
        // 3. Terminate the ones still at it.
        for (const target of pending) {
          const ok = await signal(client, 'pg_terminate_backend', target);
          target.outcome = ok === 'gone' ? 'gone' : ok ? 'terminated' : 'terminate-failed';
        }
        // 4. Confirm the terminated backends have exited (a few seconds at most).
        const terminated = targets.filter((t) => t.outcome === 'terminated');
        const exitDeadline = Date.now() + 5000;
        let lingering = terminated;
        while (lingering.length > 0 && Date.now() < exitDeadline) {
          await sleep(Math.min(pollIntervalMs, 100), context.signal);
          const now = await readSessions(client, params.allDatabases);
          lingering = lingering.filter((t) => now.get(t.pid)?.backendStart === t.backendStart);
        }
        for (const target of lingering) {
          target.outcome = 'still-running';
          target.note = 'terminated but had not exited 5 s later';
        }

        const failures = targets.filter((t) => t.outcome === 'not-permitted' || t.outcome === 'terminate-failed' || t.outcome === 'still-running');
        const done = targets.map((t) => `pid ${t.pid} ${t.outcome}`).join(', ');
        return failures.length > 0 ? failed(`${done}${skippedNote}`, data()) : succeeded(`${done}${skippedNote}`, data());
      } catch (error) {
        if (context.signal.aborted || error instanceof AbortedError) {
          for (const target of targets) target.outcome ??= 'aborted';
          return failed(`${abortReason(context.signal)}: ${targets.map((t) => `pid ${t.pid} ${t.outcome}`).join(', ') || 'nothing signalled'}`, data());
        }
        return failed(`postgres: ${errorMessage(error)}`, data());
      } finally {
        context.signal.removeEventListener('abort', closeOnAbort);
        await client.end().catch(() => undefined);
      }
    },
  };
}
