import { runbookEfficacy, type FinishedRun } from './runbook-efficacy';

const H = 3_600_000;
const run = (over: Partial<FinishedRun>): FinishedRun => ({ runbook: 'rb', fingerprint: 'f', targets: ['deployment/ledger'], outcome: 'succeeded', startedAtMs: 0, healedAtMs: null, ...over });

describe('runbookEfficacy', () => {
  it('reports success rate and median time to heal', () => {
    const [e] = runbookEfficacy([run({ startedAtMs: 0, healedAtMs: 60_000 }), run({ startedAtMs: 24 * H, healedAtMs: 24 * H + 180_000 }), run({ startedAtMs: 48 * H, outcome: 'failed' }), run({ outcome: 'blocked' })]);
    expect(e).toMatchObject({ runbook: 'rb', runs: 3, succeeded: 2, successRate: 0.667, medianTimeToHealMs: 180_000, demoted: null });
  });

  it('demotes a runbook that keeps failing', () => {
    const [e] = runbookEfficacy([run({ outcome: 'failed', startedAtMs: 0 }), run({ outcome: 'rolled_back', startedAtMs: 24 * H }), run({ startedAtMs: 48 * H })]);
    expect(e?.demoted?.reason).toBe('only 1 of its last 3 runs succeeded');
  });

  it('detects a restart loop and demotes for it', () => {
    const [e] = runbookEfficacy([run({ startedAtMs: 0 }), run({ startedAtMs: 2 * H }), run({ startedAtMs: 4 * H }), run({ startedAtMs: 1 * H, targets: ['deployment/other'] })]);
    expect(e?.restartLoops).toEqual(['deployment/ledger']);
    expect(e?.demoted?.reason).toContain('restart loop on deployment/ledger');
  });
});
