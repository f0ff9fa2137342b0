import { incidentDurations } from './incident-durations';
import type { PostmortemInput } from './postmortem-input';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const S = 1000;
const MIN = 60 * S;

const incident = (times: Partial<PostmortemInput['incident']>): PostmortemInput['incident'] => ({
  id: 'inc-1',
  number: 1,
  title: 'Payments failing',
  severity: 'sev1',
  status: 'resolved',
  services: ['payments'],
  commander: 'alice',
  startedAtMs: T0,
  detectedAtMs: T0 + 2 * MIN,
  acknowledgedAtMs: T0 + 3 * MIN,
  mitigatedAtMs: T0 + 20 * MIN,
  resolvedAtMs: T0 + 62 * MIN,
  customerFacing: true,
  ...times,
});

describe('incidentDurations', () => {
  it('measures detection from impact start and the rest from detection', () => {
    expect(incidentDurations(incident({}))).toEqual({
      timeToDetectMs: 2 * MIN,
      timeToAcknowledgeMs: 1 * MIN,
      timeToMitigateMs: 18 * MIN,
      timeToResolveMs: 60 * MIN,
    });
  });

  it('is null for what has not happened yet', () => {
    expect(incidentDurations(incident({ acknowledgedAtMs: null, mitigatedAtMs: null, resolvedAtMs: null }))).toEqual({
      timeToDetectMs: 2 * MIN,
      timeToAcknowledgeMs: null,
      timeToMitigateMs: null,
      timeToResolveMs: null,
    });
  });

  it('clamps at zero when clocks put events out of order', () => {
    // Opened by hand before the late telemetry's first point; acknowledged from a skewed clock.
    const d = incidentDurations(incident({ startedAtMs: T0 + 5 * MIN, detectedAtMs: T0, acknowledgedAtMs: T0 - 3 * S, mitigatedAtMs: T0, resolvedAtMs: T0 - 1 }));
    expect(d).toEqual({ timeToDetectMs: 0, timeToAcknowledgeMs: 0, timeToMitigateMs: 0, timeToResolveMs: 0 });
  });
});
