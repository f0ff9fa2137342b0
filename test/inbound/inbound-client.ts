import { expectEventually } from '@vigil/testing';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** POSTs a body (JSON unless already a string) with the given headers. */
export async function postRaw<T = Record<string, unknown>>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

export interface SignalJson {
  fingerprint: string;
  service: string;
  kind: string;
  signal: string;
  events: number;
  recoveredAt: string | null;
  firstEvent: { labels?: Record<string, string>; summary: string; timeUnixNano: string };
}

export type IncidentDetailJson = IncidentJson & { signals: SignalJson[] };

/** Incident reads for assertions, polling until the responder caught up. */
export function incidentWatch(url: string, token: string) {
  const api = incidentApi(url, token);
  const detail = async (id: string): Promise<IncidentDetailJson> => {
    const r = await api.call<IncidentDetailJson>('GET', `/api/incidents/${id}`);
    if (r.status !== 200) throw new Error(`GET /api/incidents/${id} answered ${r.status}`);
    return r.body;
  };
  return {
    api,
    detail,
    /** The service's one incident, once it exists (and satisfies `check`). */
    incidentOf: (service: string, check: (incident: IncidentDetailJson) => void = () => undefined, timeoutMs = 20_000): Promise<IncidentDetailJson> =>
      expectEventually(
        async () => {
          const items = await api.list(`service=${encodeURIComponent(service)}`);
          expect(items).toHaveLength(1);
          const incident = await detail(items[0]!.id);
          check(incident);
          return incident;
        },
        { timeoutMs, intervalMs: 200 },
      ),
  };
}

/** An RFC 3339 time `minutes` from now (negative: in the past). */
export const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
