/** A finished run, as efficacy sees it. */
export interface FinishedRun {
  runbook: string;
  fingerprint: string | null;
  targets: readonly string[];
  outcome: 'succeeded' | 'failed' | 'rolled_back' | 'escalated' | 'rejected' | 'blocked' | 'cancelled';
  startedAtMs: number;
  /** When verification saw the signal heal (succeeded runs with a verify step). */
  healedAtMs: number | null;
}

export interface RunbookEfficacy {
  runbook: string;
  runs: number;
  succeeded: number;
  successRate: number | null;
  medianTimeToHealMs: number | null;
  /** Targets the runbook "healed" three or more times within six hours: it treats a symptom. */
  restartLoops: string[];
  /** Needs a human from now on, and why. */
  demoted: { reason: string } | null;
}

const LOOP_WINDOW = 6 * 3_600_000;
const LOOP_RUNS = 3;
/** Judged on the last runs that actually acted (blocked / rejected / cancelled ones did not). */
const RECENT = 5;

/**
 * How well each runbook works: success rate, time to heal, restart loops. A runbook that keeps
 * failing (less than half of its last runs succeeded, at least 3 of them) or that loops is demoted:
 * it keeps running, but only after a human approves.
 */
export function runbookEfficacy(runs: readonly FinishedRun[]): RunbookEfficacy[] {
  const byRunbook = new Map<string, FinishedRun[]>();
  for (const r of runs) {
    const list = byRunbook.get(r.runbook) ?? [];
    list.push(r);
    byRunbook.set(r.runbook, list);
  }
  return [...byRunbook.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([runbook, list]) => {
      const acted = list.filter((r) => r.outcome !== 'blocked' && r.outcome !== 'rejected' && r.outcome !== 'cancelled').sort((a, b) => a.startedAtMs - b.startedAtMs);
      const succeeded = acted.filter((r) => r.outcome === 'succeeded').length;
      const heals = acted.filter((r) => r.healedAtMs !== null).map((r) => (r.healedAtMs as number) - r.startedAtMs).sort((a, b) => a - b);
      const loops = new Set<string>();
      const succeededRuns = acted.filter((r) => r.outcome === 'succeeded');
      for (const r of succeededRuns) {
        for (const target of r.targets) {
          const near = succeededRuns.filter((o) => o.targets.includes(target) && Math.abs(o.startedAtMs - r.startedAtMs) <= LOOP_WINDOW);
          if (near.length >= LOOP_RUNS) loops.add(target);
        }
      }
      const recent = acted.slice(-RECENT);
      const recentOk = recent.filter((r) => r.outcome === 'succeeded').length;
      let demoted: RunbookEfficacy['demoted'] = null;
      if (recent.length >= 3 && recentOk / recent.length < 0.5) demoted = { reason: `only ${recentOk} of its last ${recent.length} runs succeeded` };
      else if (loops.size > 0) demoted = { reason: `restart loop on ${[...loops].join(', ')}: healed ${LOOP_RUNS}+ times within 6 h, so it treats a symptom` };
      return {
        runbook,
        runs: acted.length,
        succeeded,
        successRate: acted.length === 0 ? null : Number((succeeded / acted.length).toFixed(3)),
        medianTimeToHealMs: heals.length === 0 ? null : (heals[Math.floor(heals.length / 2)] as number),
        restartLoops: [...loops].sort(),
        demoted,
      };
    });
}
