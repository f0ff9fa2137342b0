import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpRequestAction, createNotifyWebhookAction, httpRequestParams, type ActionContext } from '@vigil/actions';
import { newWebhookSecret, verifyWebhook } from '@vigil/webhooks';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A local receiver: answers each request with the next scripted reply (the last one repeats). */
class Receiver {
  readonly received: Received[] = [];
  private replies: ((res: ServerResponse) => void)[] = [];
  private readonly held: ServerResponse[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0];
        if (reply) reply(res);
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...replies: ((res: ServerResponse) => void)[]): void {
    this.replies = replies;
    this.received.length = 0;
  }

  hold(): (res: ServerResponse) => void {
    return (res) => void this.held.push(res);
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const status =
  (code: number, body = '', headers: Record<string, string> = {}) =>
  (res: ServerResponse): void => {
    res.writeHead(code, headers).end(body);
  };

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return { runId: 'run-7', stepKey: 'run-7:flush-cache:1', dryRun: false, signal: new AbortController().signal, target: 'service/payments', ...overrides };
}

describe('http.request and notify.webhook', () => {
  const receiver = new Receiver();
  const secret = newWebhookSecret();
  const env = { PAYMENTS_WEBHOOK_SECRET: secret };
  // Small backoff so the suite is quick; Retry-After is still honoured as sent.
  const action = createHttpRequestAction({ env, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
  const parse = (p: unknown) => httpRequestParams.parse(p);

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('sends a JSON body signed the Standard Webhooks way, with the step key as Idempotency-Key and webhook-id', async () => {
    receiver.script(status(200, '{"flushed":true}'));
    const result = await action.run(parse({ url: `${receiver.url}/admin/flush?x=1`, body: { cache: 'fx-rates' }, secretEnv: 'PAYMENTS_WEBHOOK_SECRET', headers: { 'X-Team': 'payments' } }), context());

    expect(result).toMatchObject({ outcome: 'succeeded', data: { status: 200, attempts: 1, signed: true, responseBody: '{"flushed":true}' } });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/admin/flush?x=1');
    expect(request!.headers['idempotency-key']).toBe('run-7:flush-cache:1');
    expect(request!.headers['webhook-id']).toBe('run-7:flush-cache:1');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-team']).toBe('payments');
    expect(JSON.parse(request!.body)).toEqual({ cache: 'fx-rates' });
    expect(verifyWebhook(secret, request!.headers, request!.body)).toEqual({ ok: true });
    // The signature covers the body: a different body does not verify.
    expect(verifyWebhook(secret, request!.headers, '{"cache":"other"}')).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('retries a 503 and succeeds on the next attempt, with the same idempotency key', async () => {
    receiver.script(status(503, 'warming up'), status(200, 'done'));
    const result = await action.run(parse({ url: `${receiver.url}/failover`, secretEnv: 'PAYMENTS_WEBHOOK_SECRET' }), context());

    expect(result).toMatchObject({ outcome: 'succeeded', data: { status: 200, attempts: 2 } });
    expect(result.detail).toContain('after 2 attempts');
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual(['run-7:flush-cache:1', 'run-7:flush-cache:1']);
    for (const r of receiver.received) expect(verifyWebhook(secret, r.headers, r.body).ok).toBe(true);
  });

  it('waits as long as a 429 Retry-After says before trying again', async () => {
    receiver.script(status(429, 'slow down', { 'Retry-After': '1' }), status(204));
    const result = await action.run(parse({ url: `${receiver.url}/toggle`, method: 'PUT', body: { enabled: false } }), context());

    expect(result).toMatchObject({ outcome: 'succeeded', data: { status: 204, attempts: 2 } });
    expect(receiver.received).toHaveLength(2);
    // The backoff alone would be ≤ 20 ms: the gap is Retry-After's second.
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after 3 attempts of 5xx', async () => {
    receiver.script(status(502, 'bad gateway'));
    const result = await action.run(parse({ url: `${receiver.url}/x` }), context());
    expect(result.outcome).toBe('failed');
    expect(result.detail).toMatch(/502.*gave up after 3 attempts/);
    expect(receiver.received).toHaveLength(3);
  });

  it('fails on a 400 without retrying', async () => {
    receiver.script(status(400, '{"error":"unknown cache"}'), status(200));
    const result = await action.run(parse({ url: `${receiver.url}/admin/flush`, body: { cache: 'nope' } }), context());

    expect(result).toMatchObject({ outcome: 'failed', data: { status: 400, attempts: 1 } });
    expect(result.detail).toContain('400');
    expect(result.detail).toContain('unknown cache');
    expect(receiver.received).toHaveLength(1);
  });

  it('fails when the status is not the expected one', async () => {
    receiver.script(status(200, 'ok'));
    const result = await action.run(parse({ url: `${receiver.url}/x`, expectStatus: [202] }), context());
    expect(result).toMatchObject({ outcome: 'failed', data: { status: 200 } });
    expect(receiver.received).toHaveLength(1);
  });

  it('fails with a timeout when the server never answers (each attempt bounded by timeoutSeconds)', async () => {
    receiver.script(receiver.hold());
    const started = Date.now();
    const result = await action.run(parse({ url: `${receiver.url}/hang`, timeoutSeconds: 0.2 }), context());

    expect(result.outcome).toBe('failed');
    expect(result.detail).toMatch(/timed out after 0.2 s.*3 attempts/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(receiver.received).toHaveLength(3);
  });

  it('stops at once when the step is aborted', async () => {
    receiver.script(receiver.hold());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);
    const result = await action.run(parse({ url: `${receiver.url}/hang`, timeoutSeconds: 30 }), context({ signal: controller.signal }));
    expect(result.outcome).toBe('failed');
    expect(result.detail).toContain('shutdown');
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a refused connection, then fails', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await action.run(parse({ url: `http://127.0.0.1:${port}/x` }), context());
    expect(result).toMatchObject({ outcome: 'failed', data: { attempts: 3 } });
    expect(result.detail).toContain('ECONNREFUSED');
  });

  it('dry run sends nothing and reports what it would send', async () => {
    receiver.script(status(200));
    const result = await action.run(
      parse({ url: `${receiver.url}/admin/flush`, body: { cache: 'fx-rates' }, secretEnv: 'PAYMENTS_WEBHOOK_SECRET', headers: { Authorization: 'Bearer s3cr3t' } }),
      context({ dryRun: true }),
    );

    expect(result.outcome).toBe('succeeded');
    expect(result.detail).toMatch(/^dry run: would send POST/);
    expect(result.data).toMatchObject({
      sent: false,
      signed: true,
      request: { method: 'POST', url: `${receiver.url}/admin/flush`, body: '{"cache":"fx-rates"}', headers: { 'idempotency-key': 'run-7:flush-cache:1', 'webhook-id': 'run-7:flush-cache:1', Authorization: '[redacted]' } },
    });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(0);
  });

  it('fails before sending when the named secret is not set', async () => {
    receiver.script(status(200));
    const result = await action.run(parse({ url: `${receiver.url}/x`, secretEnv: 'MISSING_SECRET' }), context());
    expect(result.outcome).toBe('failed');
    expect(result.detail).toContain('MISSING_SECRET is not set');
    expect(receiver.received).toHaveLength(0);
  });

  it('validates its parameters at load time', () => {
    expect(httpRequestParams.safeParse({ url: 'ftp://example.com/x' }).success).toBe(false);
    expect(httpRequestParams.safeParse({ url: 'https://example.com', method: 'GET', body: { a: 1 } }).success).toBe(false);
    expect(httpRequestParams.safeParse({ url: 'https://example.com', headers: { 'Idempotency-Key': 'mine' } }).success).toBe(false);
    expect(httpRequestParams.safeParse({ url: 'https://example.com', secretEnv: 'not a name' }).success).toBe(false);
    expect(httpRequestParams.parse({ url: 'https://example.com' })).toMatchObject({ method: 'POST', timeoutSeconds: 10 });
  });

  it('notify.webhook posts { text, runId, stepKey }, signed', async () => {
    receiver.script(status(200));
    const notify = createNotifyWebhookAction({ env });
    const params = notify.params.parse({ url: `${receiver.url}/hooks/incident`, secretEnv: 'PAYMENTS_WEBHOOK_SECRET', message: 'Restarted payments' });
    const result = await notify.run(params, context());

    expect(result.outcome).toBe('succeeded');
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(JSON.parse(request!.body)).toEqual({ text: 'Restarted payments', runId: 'run-7', stepKey: 'run-7:flush-cache:1' });
    expect(request!.headers['idempotency-key']).toBe('run-7:flush-cache:1');
    expect(verifyWebhook(secret, request!.headers, request!.body)).toEqual({ ok: true });
  });
});
