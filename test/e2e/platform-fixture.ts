import { loadConfig, type VigilConfig } from '@vigil/config';
import { startPlatform, createLogger, type Platform } from '@vigil/cli';

export interface StoredLogJson {
  id: string;
  service: string;
  body: unknown;
  attributes: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  severityText: string;
  timeUnixNano: string;
  source: string;
}

/** Starts the all-in-one platform on a free port with the given variables over quiet defaults. */
export async function startTestPlatform(env: Record<string, string>): Promise<{ platform: Platform; config: VigilConfig }> {
  const config = loadConfig({ env: { PORT: '0', LOG_LEVEL: process.env['VIGIL_TEST_LOG_LEVEL'] ?? 'silent', ...env } });
  const platform = await startPlatform(config, createLogger(config.LOG_LEVEL));
  return { platform, config };
}

/** GET a JSON body; routes under /api/ need a token (the platform's is `platform.adminToken`). */
export async function getJson<T>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as T };
}

export async function listLogs(platform: Platform, query: string): Promise<StoredLogJson[]> {
  const { status, body } = await getJson<{ items: StoredLogJson[] }>(`${platform.url}/api/logs?${query}`, platform.adminToken);
  if (status !== 200) throw new Error(`GET /api/logs answered ${status}`);
  return body.items;
}
