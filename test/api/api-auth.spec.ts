import { createHash } from 'node:crypto';
import type { Platform } from '@vigil/cli';
import { otlpTracesRequest, useTestDatabase } from '@vigil/testing';
import { startTestPlatform } from '../e2e/platform-fixture';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

interface Reply<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

interface TokenSummary {
  id: string;
  name: string;
  role: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface AuditItem {
  id: string;
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
}

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; parameters?: { name: string; in: string; schema?: object }[]; responses: Record<string, unknown>; operationId: string; 'x-vigil-role'?: string }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
}

/** The real API over HTTP, on the all-in-one platform with a real PostgreSQL and the in-process bus. */
describe('API authentication, roles, audit log and docs', () => {
  const pg = useTestDatabase();
  let platform: Platform;

  beforeAll(async () => {
    ({ platform } = await startTestPlatform({ DATABASE_URL: pg.url, VIGIL_ADMIN_TOKEN: ADMIN_TOKEN }));
  });
  afterAll(() => platform?.stop());

  async function call<T = unknown>(method: string, path: string, token?: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // HTML, JavaScript, Prometheus text…
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  const createToken = async (name: string, role: string): Promise<{ id: string; token: string }> => {
    const created = await call<{ id: string; name: string; role: string; token: string }>('POST', '/api/tokens', ADMIN_TOKEN, { name, role });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, role });
    return created.body;
  };

  it('uses the configured admin token', () => {
    expect(platform.adminToken).toBe(ADMIN_TOKEN);
  });

  it('answers 401 with a Bearer challenge without a token, with a malformed header, or with an unknown token', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const reply = await call('GET', '/api/logs', null, undefined, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(reply.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Authorization header/) });
    }
    const garbage = await call('GET', '/api/anomalies', 'vgl_not-a-real-token-at-all');
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(garbage.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'unknown or revoked token' });
    // The guard goes by the declared route, so another spelling of the path is no way around it.
    for (const path of ['/API/Tokens', '/api/tokens/', '/Api/audit?limit=1']) expect((await call('GET', path)).status).toBe(401);
  });

  it('lets the admin create a responder token that works on viewer routes but not on admin ones', async () => {
    const responder = await createToken('pager-bot', 'responder');
    expect(responder.token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    for (const path of ['/api/logs?limit=1', '/api/anomalies', '/api/log-templates', '/api/redactions']) {
      expect((await call('GET', path, responder.token)).status).toBe(200);
    }
    const forbidden = await call('GET', '/api/audit', responder.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('needs the admin role') });
  });

  it('forbids a viewer the admin routes, naming the role needed', async () => {
    const viewer = await createToken('wallboard', 'viewer');
    expect((await call('GET', '/api/logs', viewer.token)).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/tokens', { name: 'sneaky', role: 'admin' }],
      ['DELETE', `/api/tokens/${viewer.id}`, undefined],
      ['GET', '/api/audit', undefined],
    ] as const) {
      const reply = await call(method, path, viewer.token, body);
      expect(reply.status).toBe(403);
      expect((reply.body as { message: string }).message).toMatch(/needs the admin role; token "wallboard" has viewer/);
    }
    expect((await call<{ items: TokenSummary[] }>('GET', '/api/tokens', ADMIN_TOKEN)).body.items.some((t) => t.name === 'sneaky')).toBe(false);
  });

  it('refuses a revoked token, and audits the revocation once', async () => {
    const doomed = await createToken('laptop-of-bob', 'responder');
    expect((await call('GET', '/api/logs', doomed.token)).status).toBe(200);
    expect((await call('DELETE', `/api/tokens/${doomed.id}`, ADMIN_TOKEN)).status).toBe(204);
    const refused = await call('GET', '/api/logs', doomed.token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // Revoking again changes nothing and records nothing; an unknown id is 404, a malformed one 400.
    expect((await call('DELETE', `/api/tokens/${doomed.id}`, ADMIN_TOKEN)).status).toBe(204);
    expect((await call('DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000', ADMIN_TOKEN)).status).toBe(404);
    expect((await call('DELETE', '/api/tokens/nope', ADMIN_TOKEN)).status).toBe(400);

    const audit = await call<{ items: AuditItem[]; nextCursor: string | null }>('GET', `/api/audit?targetType=api_token&targetId=${doomed.id}`, ADMIN_TOKEN);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e) => e.action)).toEqual(['api_token.revoke', 'api_token.create']);
    const [revoke, create] = audit.body.items;
    expect(create).toMatchObject({ actor: 'bootstrap-admin', actorRole: 'admin', targetType: 'api_token', targetId: doomed.id, before: null });
    expect(create?.after).toMatchObject({ id: doomed.id, name: 'laptop-of-bob', role: 'responder', createdBy: 'bootstrap-admin', revokedAt: null });
    expect(revoke?.before).toMatchObject({ id: doomed.id, revokedAt: null });
    expect((revoke?.after as TokenSummary).revokedAt).toEqual(expect.any(String));
    expect(audit.text).not.toContain(doomed.token);
  });

  it('lists tokens without the tokens or their hashes, with who made them and when they were last used', async () => {
    const made = await createToken('listed', 'viewer');
    await call('GET', '/api/logs', made.token);
    const list = await call<{ items: TokenSummary[] }>('GET', '/api/tokens', ADMIN_TOKEN);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(made.token);
    expect(list.text).not.toContain(createHash('sha256').update(made.token).digest('hex'));
    expect(list.text).not.toMatch(/vgl_|token_?hash/i);
    const listed = list.body.items.find((t) => t.id === made.id);
    expect(Object.keys(listed ?? {}).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
    expect(listed).toMatchObject({ name: 'listed', role: 'viewer', createdBy: 'bootstrap-admin', revokedAt: null, lastUsedAt: expect.any(String) });
  });

  it('validates what creates a token', async () => {
    for (const body of [{ name: 'x' }, { name: '', role: 'viewer' }, { name: 'x', role: 'root' }, { name: 'bootstrap-admin', role: 'admin' }]) {
      const reply = await call<{ error: string }>('POST', '/api/tokens', ADMIN_TOKEN, body);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toBe('invalid_request');
    }
    await createToken('twice', 'viewer');
    expect((await call('POST', '/api/tokens', ADMIN_TOKEN, { name: 'twice', role: 'admin' })).status).toBe(409);
  });

  it('pages the audit log newest first with an opaque cursor and filters by actor', async () => {
    const first = await call<{ items: AuditItem[]; nextCursor: string | null }>('GET', '/api/audit?limit=2', ADMIN_TOKEN);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call<{ items: AuditItem[]; nextCursor: string | null }>('GET', `/api/audit?limit=2&cursor=${first.body.nextCursor}`, ADMIN_TOKEN);
    const ids = [...first.body.items, ...second.body.items].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
    const byActor = await call<{ items: AuditItem[] }>('GET', '/api/audit?actor=bootstrap-admin&limit=500', ADMIN_TOKEN);
    expect(byActor.body.items.length).toBeGreaterThanOrEqual(6);
    expect(byActor.body.items.every((e) => e.actor === 'bootstrap-admin')).toBe(true);
    expect((await call('GET', '/api/audit?cursor=garbage!', ADMIN_TOKEN)).status).toBe(400);
  });

  it('leaves health, readiness, metrics and the OTLP receiver open', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect([200, 503]).toContain((await call('GET', '/readyz')).status);
    expect((await call('GET', '/metrics')).status).toBe(200);
    const traces = await fetch(`${platform.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(otlpTracesRequest([{ service: 'checkout', name: 'GET /cart', durationMs: 12 }])),
    });
    expect(traces.status).toBe(200);
  });

  it('serves Swagger UI from the package, offline, without a token', async () => {
    const page = await call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    // Nothing the page loads comes from another host.
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const scripts = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of scripts) {
      const reply = await fetch(`${platform.url}${asset}`);
      expect({ asset, status: reply.status }).toEqual({ asset, status: 200 });
    }
    const initializer = await call('GET', '/api/docs/swagger-initializer.js');
    expect(initializer.text).toContain('/api/docs/openapi.json');
    expect(initializer.text).toContain('validatorUrl: null');
    expect((await call('GET', '/api/docs/package.json')).status).toBe(404);
    expect((await call('GET', '/api/docs/..%2F..%2Fpackage.json')).status).toBe(404);
  });

  it('serves an OpenAPI 3 document built from the routes, with roles and bearer security', async () => {
    const reply = await call<OpenApi>('GET', '/api/docs/openapi.json');
    expect(reply.status).toBe(200);
    const doc = reply.body;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });

    const tokens = doc.paths['/api/tokens'];
    expect(tokens?.['get']).toMatchObject({ security: [{ bearer: [] }], 'x-vigil-role': 'admin' });
    expect(tokens?.['post']).toMatchObject({ security: [{ bearer: [] }], 'x-vigil-role': 'admin', requestBody: expect.anything() });
    expect(tokens?.['get']?.responses).toHaveProperty('403');
    expect(doc.paths['/api/tokens/{id}']?.['delete']?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
    expect(doc.paths['/api/logs']?.['get']).toMatchObject({ security: [{ bearer: [] }], 'x-vigil-role': 'viewer' });
    const limit = doc.paths['/api/logs']?.['get']?.parameters?.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } });
    expect(doc.paths['/api/audit']?.['get']?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['cursor', 'limit', 'targetType', 'targetId', 'actor']));
    for (const open of ['/healthz', '/api/docs/openapi.json', '/v1/traces']) {
      const operation = Object.values(doc.paths[open] ?? {})[0];
      expect({ open, security: operation?.security }).toEqual({ open, security: [] });
    }

    // Structurally valid: every $ref resolves, operation ids are unique, path templates are declared.
    const json = JSON.stringify(doc);
    for (const [, ref] of json.matchAll(/"\$ref":"([^"]+)"/g)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty([ref!.split('/').pop()!]);
    }
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.values(methods).map((op) => ({ path, op })));
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
    for (const { path, op } of operations) {
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) expect(op.parameters?.some((p) => p.in === 'path' && p.name === name)).toBe(true);
    }
  });
});
