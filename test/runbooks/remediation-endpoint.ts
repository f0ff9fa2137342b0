import { verifyWebhook } from '@vigil/webhooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RemediationCall {
  path: string;
  key: string;
  body: unknown;
  signed: boolean;
}

/**
 * A service's remediation endpoint (restart, rollback, scale) as a team would write it: it
 * verifies the signature and honours Idempotency-Key — a repeated key gets the first answer and
 * acts no more. `executions` counts what it actually did; `deliveries` every request.
 */
export async function startRemediationEndpoint(options: { secret: string; delayMs?: number; onExecute?: (call: RemediationCall) => void; fail?: (call: RemediationCall) => boolean }) {
  const executions: RemediationCall[] = [];
  const deliveries: RemediationCall[] = [];
  const answered = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const key = String(req.headers['idempotency-key'] ?? '');
      const signed = verifyWebhook(options.secret, req.headers, raw).ok;
      const call = { path: req.url ?? '', key, body: raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : null, signed };
      deliveries.push(call);
      if (!signed) {
        res.writeHead(401).end();
        return;
      }
      const seen = answered.get(key);
      if (seen !== undefined) {
        res.writeHead(seen, { 'content-type': 'application/json' }).end('{"replayed":true}');
        return;
      }
      const act = (): void => {
        const status = options.fail?.(call) ? 500 : 200;
        if (status === 200) {
          executions.push(call);
          options.onExecute?.(call);
        }
        answered.set(key, status);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      };
      if (options.delayMs) setTimeout(act, options.delayMs);
      else act();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, executions, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
