import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhook } from './standard-webhooks';

describe('Standard Webhooks signing', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"type":"incident.opened","data":{"id":"inc-1"}}';

  it('signs id.timestamp.body with the decoded secret, as a receiver computes it', () => {
    const now = 1_700_000_000_000;
    const headers = signWebhook(secret, 'msg_1', body, now);
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(headers).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': `v1,${expected}` });
    expect(verifyWebhook(secret, headers, body, now + 1000)).toEqual({ ok: true });
  });

  it('rejects a changed body, another secret, a stale or missing timestamp', () => {
    const now = Date.now();
    const headers = signWebhook(secret, 'msg_2', body, now);
    expect(verifyWebhook(secret, headers, `${body} `, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook(newWebhookSecret(), headers, body, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook(secret, headers, body, now + 6 * 60_000)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhook(secret, { ...headers, 'webhook-timestamp': undefined }, body, now)).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('accepts any of several signatures (secret rotation)', () => {
    const now = Date.now();
    const headers = signWebhook(secret, 'msg_3', body, now);
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,bm9wZQ== ${headers['webhook-signature']}` }, body, now)).toEqual({ ok: true });
  });
});
