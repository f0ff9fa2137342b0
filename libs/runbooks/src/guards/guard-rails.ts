import type { FreezeWindow, RunbookGuards } from '../runbook.schema';

/** A past or running run, as guards need it. */
export interface RunHistoryEntry {
  runbook: string;
  targets: readonly string[];
  startedAtMs: number;
  /** Still going (pending, waiting for approval, running, verifying). */
  active: boolean;
}

export type GuardName = 'kill_switch' | 'freeze_window' | 'cooldown' | 'rate_limit' | 'concurrency' | 'blast_radius';

export type GuardDecision = { allowed: true } | { allowed: false; guard: GuardName; reason: string };

export interface GuardInput {
  runbook: string;
  guards: RunbookGuards;
  /** Targets this run would touch (substituted). */
  targets: readonly string[];
  /** For replica-percentage limits: how many replicas a scaling or restart touches, and of how many. */
  replicas?: { touched: number; total: number };
  history: readonly RunHistoryEntry[];
  killSwitch: boolean;
  nowMs: number;
}

const HOUR = 3_600_000;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Whether `nowMs` falls in a change freeze (absolute range, or daily/weekly HH:MM–HH:MM in UTC, wrapping midnight). */
export function inFreeze(windows: readonly FreezeWindow[], nowMs: number): FreezeWindow | null {
  const now = new Date(nowMs);
  for (const w of windows) {
    if ('from' in w) {
      if (nowMs >= Date.parse(w.from) && nowMs < Date.parse(w.to)) return w;
      continue;
    }
    const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
    const [sh, sm] = w.start.split(':').map(Number) as [number, number];
    const [eh, em] = w.end.split(':').map(Number) as [number, number];
    const start = sh * 60 + sm;
    const end = eh * 60 + em;
    const inside = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
    // A window wrapping midnight belongs to the day it started on.
    const day = start > end && minutes < end ? DAYS[(now.getUTCDay() + 6) % 7] : DAYS[now.getUTCDay()];
    if (inside && (!w.days || w.days.includes(day as (typeof DAYS)[number]))) return w;
  }
  return null;
}

/**
 * The guard rails, in the order an operator would want to hear about them: the global kill
 * switch, a change freeze, the blast radius of this run, then the pace limits (cool-down per
 * target, runs per hour, concurrent runs). The first that stops the run names itself and why.
 */
export function checkGuards(input: GuardInput): GuardDecision {
  const g = input.guards;
  if (input.killSwitch) return { allowed: false, guard: 'kill_switch', reason: 'the global kill switch is on: no runbook runs until an admin turns it off' };
  const freeze = inFreeze(g.freezeWindows, input.nowMs);
  if (freeze) return { allowed: false, guard: 'freeze_window', reason: `change freeze ${'from' in freeze ? `${freeze.from} – ${freeze.to}` : `${freeze.days?.join(',') ?? 'daily'} ${freeze.start}–${freeze.end} UTC`}` };
  const distinct = [...new Set(input.targets)];
  if (distinct.length > g.blastRadius.maxTargets) {
    return { allowed: false, guard: 'blast_radius', reason: `would touch ${distinct.length} targets (${distinct.join(', ')}); at most ${g.blastRadius.maxTargets} allowed` };
  }
  if (g.blastRadius.maxReplicaPercent !== undefined && input.replicas && input.replicas.total > 0) {
    const percent = (100 * input.replicas.touched) / input.replicas.total;
    if (percent > g.blastRadius.maxReplicaPercent) {
      return { allowed: false, guard: 'blast_radius', reason: `would touch ${input.replicas.touched} of ${input.replicas.total} replicas (${Math.round(percent)}%); at most ${g.blastRadius.maxReplicaPercent}% allowed` };
    }
  }
  const mine = input.history.filter((h) => h.runbook === input.runbook);
  const cooling = mine.filter((h) => input.nowMs - h.startedAtMs < g.cooldownMinutes * 60_000 && h.targets.some((t) => distinct.includes(t)));
  if (cooling.length > 0) {
    const last = Math.max(...cooling.map((h) => h.startedAtMs));
    const left = Math.ceil((last + g.cooldownMinutes * 60_000 - input.nowMs) / 60_000);
    return { allowed: false, guard: 'cooldown', reason: `${input.runbook} ran on ${cooling[0]?.targets.find((t) => distinct.includes(t)) ?? 'this target'} ${Math.round((input.nowMs - last) / 60_000)} min ago; cool-down ${g.cooldownMinutes} min (${left} min left)` };
  }
  const lastHour = mine.filter((h) => input.nowMs - h.startedAtMs < HOUR).length;
  if (lastHour >= g.maxRunsPerHour) return { allowed: false, guard: 'rate_limit', reason: `${lastHour} runs in the last hour; at most ${g.maxRunsPerHour}` };
  const active = mine.filter((h) => h.active).length;
  if (active >= g.maxConcurrentRuns) return { allowed: false, guard: 'concurrency', reason: `${active} run${active === 1 ? '' : 's'} still going; at most ${g.maxConcurrentRuns} at once` };
  return { allowed: true };
}
