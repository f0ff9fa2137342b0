import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { newWebhookSecret, signWebhook } from '@vigil/webhooks';

type Verify = (secret: string, headers: Record<string, string>, rawBody: string | Buffer, toleranceSeconds?: number) => boolean;

/** The receiver's snippet in docs/webhooks.md verifies what Vigil signs, and nothing else. */
describe('docs/webhooks.md verify snippet', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'webhooks.md'), 'utf8');
  const block = doc.slice(doc.indexOf('<!-- verify-snippet:start -->'), doc.indexOf('<!-- verify-snippet:end -->'));
  const code = /```js\n([\s\S]*?)```/.exec(block)?.[1] ?? '';
  const verify = runInNewContext(`${code}\nverifyVigilWebhook`, { require, Buffer, Date }) as Verify;

  it('is at most 10 lines and needs only node:crypto', () => {
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
    expect([...code.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['node:crypto']);
  });

  it('accepts a signed delivery and rejects tampering, other secrets, stale timestamps and missing headers', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'incident.declared', timestamp: new Date().toISOString(), data: { id: 'inc-1' } });
    const headers = signWebhook(secret, 'msg_abc', body);
    expect(verify(secret, headers, body)).toBe(true);
    expect(verify(secret, headers, Buffer.from(body))).toBe(true);
    expect(verify(secret, { ...headers, 'webhook-signature': `v1,bm9wZQ== ${headers['webhook-signature']}` }, body)).toBe(true);
    expect(verify(secret, headers, body.replace('inc-1', 'inc-2'))).toBe(false);
    expect(verify(newWebhookSecret(), headers, body)).toBe(false);
    expect(verify(secret, { ...headers, 'webhook-id': 'msg_other' }, body)).toBe(false);
    expect(verify(secret, signWebhook(secret, 'msg_abc', body, Date.now() - 10 * 60_000), body)).toBe(false);
    const { 'webhook-timestamp': _ts, ...noTimestamp } = headers;
    expect(verify(secret, noTimestamp, body)).toBe(false);
    expect(verify('plain-text-secret', signWebhook('plain-text-secret', 'msg_abc', body), body)).toBe(true);
  });
});
