import type { RunbookCheck } from '@vigil/runbooks';
import { IncidentRepository, type Queryable } from '@vigil/store';
import { hasHealed } from './incident-effects';

/** Evaluates a step's pre- or postcondition; null when it holds, else why not. */
export async function failedCheck(tx: Queryable, check: RunbookCheck | null, run: { incidentId: string | null; fingerprint: string | null; createdAtMs: number }, signal: AbortSignal): Promise<string | null> {
  if (!check) return null;
  if (check.incidentStatus) {
    const incident = run.incidentId ? await new IncidentRepository(tx).get(run.incidentId) : null;
    if (!incident || !check.incidentStatus.includes(incident.status)) return `incident is ${incident?.status ?? 'absent'}, needs ${check.incidentStatus.join(' or ')}`;
  }
  if (check.signal) {
    const healed = await hasHealed(tx, run);
    if (check.signal === 'anomalous' && healed) return 'the signal already recovered';
    if (check.signal === 'recovered' && !healed) return 'the signal is still anomalous';
  }
  if (check.http) {
    try {
      const response = await fetch(check.http.url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
      await response.arrayBuffer();
      if (response.status !== check.http.expectStatus) return `GET ${check.http.url} answered ${response.status}, expected ${check.http.expectStatus}`;
    } catch (error) {
      return `GET ${check.http.url} failed: ${(error as Error).message}`;
    }
  }
  return null;
}
