import { guardsSchema } from '../runbook.schema';
import { checkGuards, inFreeze, type GuardInput } from './guard-rails';

const NOW = Date.UTC(2026, 10, 25, 10, 0); // a Wednesday, 10:00 UTC
const MIN = 60_000;
const base = (over: Partial<GuardInput> = {}): GuardInput => ({
  runbook: 'restart-ledger',
  guards: guardsSchema.parse({ cooldownMinutes: 30, maxRunsPerHour: 2, maxConcurrentRuns: 1, blastRadius: { maxTargets: 1, maxReplicaPercent: 50 } }),
  targets: ['deployment/ledger'],
  history: [],
  killSwitch: false,
  nowMs: NOW,
  ...over,
});

describe('checkGuards', () => {
  it('lets a first run through', () => {
    expect(checkGuards(base())).toEqual({ allowed: true });
  });

  it('stops everything while the kill switch is on', () => {
    expect(checkGuards(base({ killSwitch: true }))).toMatchObject({ allowed: false, guard: 'kill_switch' });
  });

  it('cools down per target: same target within 30 min stops, another target or later passes', () => {
    const history = [{ runbook: 'restart-ledger', targets: ['deployment/ledger'], startedAtMs: NOW - 10 * MIN, active: false }];
    expect(checkGuards(base({ history }))).toMatchObject({ allowed: false, guard: 'cooldown', reason: expect.stringContaining('20 min left') });
    expect(checkGuards(base({ history, targets: ['deployment/payments'] }))).toEqual({ allowed: true });
    expect(checkGuards(base({ history: [{ ...history[0]!, startedAtMs: NOW - 31 * MIN }] }))).toEqual({ allowed: true });
    // Another runbook's runs do not count.
    expect(checkGuards(base({ history: [{ ...history[0]!, runbook: 'other' }] }))).toEqual({ allowed: true });
  });

  it('limits runs per hour and concurrent runs', () => {
    const guards = guardsSchema.parse({ cooldownMinutes: 0, maxRunsPerHour: 2, maxConcurrentRuns: 1 });
    const done = (ago: number) => ({ runbook: 'restart-ledger', targets: ['deployment/x'], startedAtMs: NOW - ago * MIN, active: false });
    expect(checkGuards(base({ guards, history: [done(10), done(50)] }))).toMatchObject({ allowed: false, guard: 'rate_limit' });
    expect(checkGuards(base({ guards, history: [done(10), done(70)] }))).toEqual({ allowed: true });
    expect(checkGuards(base({ guards, history: [{ ...done(90), active: true }] }))).toMatchObject({ allowed: false, guard: 'concurrency' });
  });

  it('bounds the blast radius by targets and by share of replicas', () => {
    expect(checkGuards(base({ targets: ['deployment/a', 'deployment/b'] }))).toMatchObject({ allowed: false, guard: 'blast_radius', reason: expect.stringContaining('at most 1') });
    expect(checkGuards(base({ replicas: { touched: 3, total: 4 } }))).toMatchObject({ allowed: false, guard: 'blast_radius', reason: expect.stringContaining('75%') });
    expect(checkGuards(base({ replicas: { touched: 2, total: 4 } }))).toEqual({ allowed: true });
  });

  it('honours change freezes: absolute ranges and weekly windows, also across midnight', () => {
    const guards = (freezeWindows: unknown[]) => guardsSchema.parse({ freezeWindows });
    expect(checkGuards(base({ guards: guards([{ from: '2026-11-25T09:00:00Z', to: '2026-11-25T11:00:00Z' }]) }))).toMatchObject({ guard: 'freeze_window' });
    expect(checkGuards(base({ guards: guards([{ days: ['wed'], start: '09:30', end: '10:30' }]) }))).toMatchObject({ guard: 'freeze_window' });
    expect(checkGuards(base({ guards: guards([{ days: ['thu'], start: '09:30', end: '10:30' }]) }))).toEqual({ allowed: true });
    expect(inFreeze(guardsSchema.parse({ freezeWindows: [{ days: ['tue'], start: '22:00', end: '11:00' }] }).freezeWindows, NOW)).not.toBeNull();
    expect(inFreeze(guardsSchema.parse({ freezeWindows: [{ start: '22:00', end: '06:00' }] }).freezeWindows, NOW)).toBeNull();
  });
});
