// The API as the dashboard uses it: the bearer token from sessionStorage on every request.
const TOKEN_KEY = 'vigil.token';

export type Role = 'viewer' | 'responder' | 'admin';
export type Severity = 'sev1' | 'sev2' | 'sev3' | 'sev4';
export const SEVERITIES: Severity[] = ['sev1', 'sev2', 'sev3', 'sev4'];
export const STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved'] as const;

export interface Me {
  name: string;
  role: Role;
}

export interface Example {
  traceId?: string | null;
  spanId?: string | null;
  body?: unknown;
  timeUnixNano?: string;
}

export interface Hint {
  service: string;
  signal: string;
  score: number;
  evidence: { firstAtMs?: number; summary?: string; observed?: number | null; expected?: number | null; examples?: Example[] } | null;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  status: string;
  severity: Severity;
  severitySource: string;
  services: string[];
  commander: string | null;
  openedAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  rootCauseHints: Hint[];
}

export interface Signal {
  fingerprint: string;
  service: string;
  kind: string;
  signal: string;
  peakScore: number;
  peakObserved: number | null;
  recoveredAt: string | null;
  firstEvent: { expected?: number | null; observed?: number | null } | null;
}

export interface TimelineEntry {
  id: string;
  at: string;
  actor: string;
  type: string;
  text: string;
}

export interface Approval {
  id?: string;
  runId: string;
  stepName: string;
  status: string;
  roles: string[];
}

export interface Run {
  id: string;
  runbook: string;
  status: string;
  outcome: string;
  incidentId: string | null;
  currentStep: string | null;
  createdAt: string;
  steps?: { name: string; phase: string; idx: number; status: string; attempts: number }[];
  approvals?: Approval[];
}

export interface ServiceInfo {
  name: string;
  openIncidents: number;
  calls: { to: string[]; from: string[] };
}

export interface ServiceEdge {
  caller: string;
  callee: string;
  calls: number;
  lastSeen: string;
}

export interface ChartSeries {
  key: string;
  label: string;
  points: Record<string, number | null>[];
}

export interface Anomaly {
  id: string;
  service: string;
  kind: string;
  fingerprint: string;
  status: 'open' | 'recovered';
  score: number;
  summary: string;
  openedAt: string;
  updatedAt: string;
}

export const ANOMALY_KINDS = ['log_new_template', 'log_template_burst', 'log_rate_shift', 'log_error_surge', 'span_red', 'metric', 'alert'] as const;

export interface LogTemplate {
  service: string;
  templateId: number;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  examples: unknown[];
}

export interface RunbookInfo {
  name: string;
  description: string;
  owner: string | null;
  file: string;
  risk: string;
  dryRun: boolean;
  triggers: Record<string, unknown>[];
  guards: { cooldownMinutes: number; maxRunsPerHour: number; maxConcurrentRuns: number; blastRadius: { maxTargets: number; maxReplicaPercent?: number }; freezeWindows: unknown[] };
  steps: { type: string; name: string }[];
  efficacy: { runs: number; succeeded: number; successRate: number | null; demoted: { reason: string } | null } | null;
}

export interface RunbookFileError {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export interface KillSwitch {
  on: boolean;
  updatedBy: string | null;
  updatedAtMs: number;
}

export interface PendingApproval {
  runId: string;
  stepName: string;
  status: string;
  roles: string[];
  requestedAt: string | null;
  timeoutAt: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export interface SlackStatus {
  enabled: boolean;
  behind: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  pausedUntil: string | null;
}

export interface Matcher {
  label: string;
  op: string;
  value: string;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  active: boolean;
}

export interface MaintenanceWindow {
  id: string;
  service: string;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  reason: string;
  active: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Takes `#token=…` out of the address bar into sessionStorage (so it is not in history or bookmarks). */
export function captureTokenFromUrl(): void {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  tokenStore.set(decodeURIComponent(match[1]!));
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

let onUnauthorized: () => void = () => undefined;
export const setUnauthorizedHandler = (handler: () => void) => {
  onUnauthorized = handler;
};

async function request<T>(method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
  const token = tokenStore.get();
  const response = await fetch(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) {
    onUnauthorized();
    throw new ApiError(401, 'your token was not accepted: sign in again');
  }
  if (!response.ok) {
    let message = `${method} ${path} answered ${response.status}`;
    let issues: Issue[] = [];
    try {
      const parsed = (await response.json()) as { message?: unknown; issues?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
      if (Array.isArray(parsed.issues)) {
        issues = parsed.issues as Issue[];
        message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') || message;
      }
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message, issues);
  }
  return (as === 'json' ? response.json() : response.text()) as Promise<T>;
}

export const api = {
  me: () => request<Me>('GET', '/api/me'),
  incidents: (query: URLSearchParams) => request<Page<Incident>>('GET', `/api/incidents?${query.toString()}`),
  incident: (id: string) => request<Incident & { signals: Signal[] }>('GET', `/api/incidents/${encodeURIComponent(id)}`),
  timeline: (id: string) => request<Page<TimelineEntry>>('GET', `/api/incidents/${encodeURIComponent(id)}/timeline?limit=1000`),
  postmortem: (id: string) => request<string>('GET', `/api/incidents/${encodeURIComponent(id)}/postmortem`, undefined, 'text'),
  runs: (incidentId: string) => request<Page<Run>>('GET', `/api/runs?incidentId=${encodeURIComponent(incidentId)}&limit=20`),
  run: (id: string) => request<Run>('GET', `/api/runs/${encodeURIComponent(id)}`),
  responseTimes: () => request<{ from: string; to: string; items: { service: string; severity: string; incidents: number; mttaMs: number | null; mttrMs: number | null }[] }>('GET', '/api/response-times'),
  transition: (id: string, action: 'acknowledge' | 'mitigate' | 'resolve' | 'reopen') => request<Incident>('POST', `/api/incidents/${encodeURIComponent(id)}/${action}`, {}),
  severity: (id: string, severity: Severity) => request<Incident>('POST', `/api/incidents/${encodeURIComponent(id)}/severity`, { severity }),
  decide: (runId: string, decision: 'approve' | 'reject') => request<Run>('POST', `/api/runs/${encodeURIComponent(runId)}/${decision}`, {}),
  services: () => request<{ services: ServiceInfo[]; edges: ServiceEdge[] }>('GET', '/api/services'),
  series: (service: string, kind: 'spans' | 'logs') => request<{ series: ChartSeries[] }>('GET', `/api/series?${new URLSearchParams({ service, kind }).toString()}`),
  anomalies: (query: URLSearchParams) => request<Page<Anomaly>>('GET', `/api/anomalies?${query.toString()}`),
  logTemplates: (service: string) => request<Page<LogTemplate>>('GET', `/api/log-templates?${new URLSearchParams({ service, limit: '50' }).toString()}`),
  runbooks: () => request<{ folder: string | null; killSwitch: KillSwitch; runbooks: RunbookInfo[]; errors: RunbookFileError[] }>('GET', '/api/runbooks'),
  setKillSwitch: (on: boolean, reason: string) => request<KillSwitch>('POST', '/api/runbooks/kill-switch', { on, reason }),
  approvals: () => request<{ items: PendingApproval[] }>('GET', '/api/approvals?status=pending'),
  slackStatus: () => request<SlackStatus>('GET', '/api/slack/status'),
  silences: () => request<{ items: Silence[] }>('GET', '/api/silences'),
  createSilence: (body: { matchers: Matcher[]; comment: string; endsAt: string }) => request<Silence>('POST', '/api/silences', body),
  expireSilence: (id: string) => request<string>('DELETE', `/api/silences/${encodeURIComponent(id)}`, undefined, 'text'),
  maintenanceWindows: () => request<{ items: MaintenanceWindow[] }>('GET', '/api/maintenance-windows'),
  createMaintenanceWindow: (body: { service: string; reason: string; endsAt: string }) => request<MaintenanceWindow>('POST', '/api/maintenance-windows', body),
  endMaintenanceWindow: (id: string) => request<string>('DELETE', `/api/maintenance-windows/${encodeURIComponent(id)}`, undefined, 'text'),
  tokens: () => request<{ items: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (body: { name: string; role: Role }) => request<{ id: string; name: string; role: Role; token: string }>('POST', '/api/tokens', body),
  revokeToken: (id: string) => request<string>('DELETE', `/api/tokens/${encodeURIComponent(id)}`, undefined, 'text'),
  webhookSubscriptions: () => request<{ items: WebhookSubscription[] }>('GET', '/api/webhook-subscriptions'),
  createWebhookSubscription: (body: { url: string; eventTypes: string[]; description?: string }) => request<WebhookSubscription & { secret: string }>('POST', '/api/webhook-subscriptions', body),
  disableWebhookSubscription: (id: string) => request<string>('DELETE', `/api/webhook-subscriptions/${encodeURIComponent(id)}`, undefined, 'text'),
  webhookDeliveries: (subscriptionId: string) => request<Page<WebhookDelivery>>('GET', `/api/webhook-deliveries?${new URLSearchParams({ subscriptionId, limit: '50' }).toString()}`),
};

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };
export const roleAllows = (have: Role, need: string): boolean => RANK[have] >= (RANK[need as Role] ?? 99);

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const formatTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');
