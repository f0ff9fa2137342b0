import { WebhookDeliveryRepository, type ClaimedWebhookDelivery, type Database } from '@vigil/store';
import { signWebhook } from '@vigil/webhooks';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { DEFAULT_WEBHOOK_BACKOFF, nextAttemptDelayMs, retryAfterMs, type WebhookBackoffOptions } from './webhook-backoff';

export interface WebhookDispatcherOptions {
  /** After this many failed attempts a delivery is dead (VIGIL_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  backoff: WebhookBackoffOptions;
  /** One attempt (connect, send, response and the first bytes of its body) may take this long. */
  timeoutMs: number;
  /** How often to look for due deliveries when there were none. */
  pollIntervalMs: number;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  logger?: Logger;
  registry?: Registry;
  random?: () => number;
  fetch?: typeof fetch;
}

export const DEFAULT_WEBHOOK_DISPATCHER_OPTIONS: WebhookDispatcherOptions = {
  maxAttempts: 8,
  backoff: DEFAULT_WEBHOOK_BACKOFF,
  timeoutMs: 10_000,
  pollIntervalMs: 1_000,
  concurrency: 8,
};

/** Kept from a failed response to show in the delivery log. */
const ERROR_BODY_BYTES = 300;

/**
 * Sends what the WebhookOutbox enqueued. Any number of dispatchers (one per responder process)
 * share the work: each claims due deliveries with FOR UPDATE SKIP LOCKED, the claim counts the
 * attempt and leases the row (its next_attempt_at moves past the send's timeout), then the POST
 * goes out signed the Standard Webhooks way and the outcome is recorded: 2xx delivered; anything
 * else retried after exponential backoff with full jitter (no sooner than a Retry-After), dead
 * after `maxAttempts`.
 *
 * At least once, never lost: a dispatcher that dies between sending and recording leaves the
 * row pending, due when the lease ends, and it is sent again with the same webhook-id (receivers
 * dedupe on it). Order is not promised, not even per subscription: retries and parallel
 * dispatchers overtake one another; each payload carries its timestamp and the full incident.
 */
export class WebhookDispatcher {
  private readonly options: WebhookDispatcherOptions;
  private readonly repository: WebhookDeliveryRepository;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly attempts: Counter<'outcome'> | null;
  private loop: Promise<void> | null = null;
  private running = false;
  private wake: (() => void) | null = null;

  constructor(db: Database, options: Partial<WebhookDispatcherOptions> = {}) {
    this.options = { ...DEFAULT_WEBHOOK_DISPATCHER_OPTIONS, ...options };
    this.repository = new WebhookDeliveryRepository(db);
    this.attempts = options.registry
      ? new Counter({
          name: 'vigil_webhook_attempts_total',
          help: 'Outbound webhook delivery attempts by outcome: delivered, retry (failed, will retry), dead (failed for the last time)',
          labelNames: ['outcome'],
          registers: [options.registry],
        })
      : null;
  }

  /** How long a claim holds a delivery: the send's timeout with room to record the outcome. */
  get leaseMs(): number {
    return 2 * this.options.timeoutMs + 30_000;
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, lets the sends in flight finish and record (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.options.concurrency - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const batch = await this.repository.claimDue(free, this.leaseMs);
          claimed = batch.length;
          for (const delivery of batch) this.track(this.deliver(delivery));
        } catch (error) {
          this.options.logger?.warn({ err: error }, 'could not claim webhook deliveries; trying again');
        }
      }
      if (!this.running) break;
      // A full claim means more may be due: go again at once (or when a slot frees up).
      if (claimed > 0 && claimed === free) continue;
      await this.sleep(this.options.pollIntervalMs);
    }
  }

  private track(send: Promise<void>): void {
    this.inFlight.add(send);
    void send.finally(() => {
      const wasFull = this.inFlight.size >= this.options.concurrency;
      this.inFlight.delete(send);
      if (wasFull) this.wake?.();
    });
  }

  /** Waits for the poll interval, or less when a send frees a slot of a full pipeline, or stop() is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async deliver(delivery: ClaimedWebhookDelivery): Promise<void> {
    try {
      await this.attempt(delivery);
    } catch (error) {
      // Recording failed (database away): the lease runs out and the delivery is sent again.
      this.options.logger?.warn({ err: error, deliveryId: delivery.id }, 'could not record a webhook delivery attempt; it will be retried');
    }
  }

  private async attempt(d: ClaimedWebhookDelivery): Promise<void> {
    if (d.subscriptionDisabled) {
      await this.repository.record(d.id, d.attempt, { status: 'dead', statusCode: null, error: 'subscription disabled' });
      return;
    }
    const send = this.options.fetch ?? fetch;
    let statusCode: number | null = null;
    let error: string;
    let retryAfter: number | null = null;
    try {
      const response = await send(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Vigil-Webhooks/1', ...signWebhook(d.secret, d.id, d.body) },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      statusCode = response.status;
      if (statusCode >= 200 && statusCode < 300) {
        await response.body?.cancel().catch(() => undefined);
        await this.repository.record(d.id, d.attempt, { status: 'delivered', statusCode });
        this.attempts?.inc({ outcome: 'delivered' });
        return;
      }
      retryAfter = retryAfterMs(response.headers.get('retry-after'));
      const text = await bodySnippet(response);
      error = `HTTP ${statusCode}${text ? `: ${text}` : ''}`;
    } catch (e) {
      error = describeSendError(e, this.options.timeoutMs);
    }
    if (d.attempt >= this.options.maxAttempts) {
      await this.repository.record(d.id, d.attempt, { status: 'dead', statusCode, error });
      this.attempts?.inc({ outcome: 'dead' });
      this.options.logger?.warn({ deliveryId: d.id, subscriptionId: d.subscriptionId, eventType: d.eventType, attempts: d.attempt, statusCode, error }, 'webhook delivery is dead');
      return;
    }
    const retryInMs = nextAttemptDelayMs(d.attempt, this.options.backoff, retryAfter, this.options.random);
    await this.repository.record(d.id, d.attempt, { status: 'pending', statusCode, error, retryInMs });
    this.attempts?.inc({ outcome: 'retry' });
  }
}

async function bodySnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // a body cut short still leaves the status to report
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

function describeSendError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = e?.cause;
  if (cause?.code || cause?.message) return [cause.code, cause.message].filter(Boolean).join(': ');
  return e?.message ?? String(error);
}
