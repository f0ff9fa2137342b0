/**
 * Everything a postmortem is written from, as the responder reads it from its database: plain
 * data, times in epoch milliseconds (UTC), so rendering is pure and a re-render is byte-identical.
 */
export type Severity = 'sev1' | 'sev2' | 'sev3' | 'sev4';
export interface PostmortemTimelineEntry { atMs: number; actor: string; type: string; text: string }
export interface PostmortemAction { atMs: number; actor: string; action: string; target: string; outcome: 'succeeded' | 'failed' | 'skipped' | 'pending'; detail: string }
export interface PostmortemInput {
  incident: { id: string; number: number; title: string; severity: Severity; status: string; services: string[]; commander: string | null;
    startedAtMs: number;      // first anomalous point (impact start)
    detectedAtMs: number;     // when Vigil (or a human) opened the incident
    acknowledgedAtMs: number | null; mitigatedAtMs: number | null; resolvedAtMs: number | null; customerFacing: boolean };
  rootCauseHints: { service: string; signal: string; score: number; summary: string }[];
  timeline: PostmortemTimelineEntry[];
  actions: PostmortemAction[];
  anomalies: { service: string; signal: string; kind: string; firstAtMs: number; peakScore: number; summary: string }[];
  notes: { atMs: number; actor: string; text: string }[];
  generatedAtMs: number;
}
