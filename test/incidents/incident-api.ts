export interface IncidentJson {
  id: string;
  number: number;
  title: string;
  status: string;
  severity: string;
  services: string[];
  openedAt: string;
  detectedAt: string;
  startedAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  mergedInto: string | null;
  suppressed: { reason: string; by: string } | null;
  rootCauseHints: { service: string; signal: string; score: number; evidence: { firstAtMs: number; examples: { traceId: string | null }[] } }[];
}

/** A small client for the incidents API with a bearer token. */
export function incidentApi(url: string, token: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string; headers: Headers }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // markdown and empty bodies stay text
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  };
  return {
    call,
    list: async (query = ''): Promise<IncidentJson[]> => {
      const r = await call<{ items: IncidentJson[] }>('GET', `/api/incidents?limit=200${query ? `&${query}` : ''}`);
      if (r.status !== 200) throw new Error(`GET /api/incidents answered ${r.status}: ${r.text}`);
      return r.body.items;
    },
  };
}
