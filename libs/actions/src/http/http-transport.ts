import { signWebhook } from '@vigil/webhooks';
import { z } from 'zod';
import type { ActionContext, ActionResult } from '../remediation-action';
import { abortReason, AbortedError, ENV_NAME, errorMessage, failed, sleep, succeeded, truncate } from '../support';

/**
 * The outbound HTTP transport shared by `http.request` and `notify.webhook`: one request, signed
 * the Standard Webhooks way when a secret is named, always carrying `Idempotency-Key: <stepKey>`,
 * retried (at most 3 attempts) on connection errors, timeouts, 5xx and 429 with exponential
 * backoff and jitter, honouring `Retry-After`; never retried on any other status.
 */
export interface HttpActionOptions {
  /** Where `secretEnv` names are looked up (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The fetch implementation (default the global one). */
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

export interface RetryPolicy {
  /** Attempts in all, first included (default 3, at most 3). */
  attempts?: number;
  /** First backoff (default 500 ms), doubled per retry, capped at `maxDelayMs` (default 10 s); jitter: 50–100 % of it. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this (default 30 s) ends the step instead of waiting. */
  maxRetryAfterMs?: number;
  /** For tests: the random source of the jitter. */
  random?: () => number;
}

export const MAX_ATTEMPTS = 3;
const RESPONSE_BODY_LIMIT = 1024;
/** Headers the transport owns: a runbook cannot set them. */
const RESERVED_HEADERS = new Set(['idempotency-key', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'host', 'content-length', 'transfer-encoding', 'connection']);
const SENSITIVE_HEADER = /authorization|cookie|token|secret|api-?key|password/i;

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
export const secretEnvName = z.string().regex(ENV_NAME, 'expected the name of an environment variable');
export const headerMap = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'expected an HTTP header name'), z.string().max(8192).regex(/^[^\r\n\0]*$/, 'header values are one line'))
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: `header ${name} is set by Vigil itself` });
    }
  });
export const timeoutSeconds = z.number().positive().max(300);

export interface OutgoingRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  /** Serialized body (JSON), if any. */
  body?: string;
  /** Statuses that mean success (default: any 2xx). */
  expectStatus?: number[];
  timeoutSeconds: number;
  secretEnv?: string;
}

/** The URL for the timeline: no credentials, no query string (webhook URLs often carry tokens there). */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function backoffMs(retry: number, policy: RetryPolicy): number {
  const base = policy.baseDelayMs ?? 500;
  const cap = policy.maxDelayMs ?? 10_000;
  const delay = Math.min(cap, base * 2 ** (retry - 1));
  const random = policy.random ?? Math.random;
  return Math.round(delay / 2 + (random() * delay) / 2);
}

function isExpected(status: number, expect: number[] | undefined): boolean {
  return expect && expect.length > 0 ? expect.includes(status) : status >= 200 && status < 300;
}

/** Connection-level failure, in words: undici says "fetch failed" and puts the reason in `cause`. */
function connectionError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  return cause ? errorMessage(cause) : errorMessage(error);
}

function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SENSITIVE_HEADER.test(name) ? '[redacted]' : value]));
}

export async function sendRequest(request: OutgoingRequest, context: ActionContext, options: HttpActionOptions = {}): Promise<ActionResult> {
  const env = options.env ?? process.env;
  const doFetch = options.fetch ?? fetch;
  const policy = options.retry ?? {};
  const attempts = Math.min(MAX_ATTEMPTS, Math.max(1, policy.attempts ?? MAX_ATTEMPTS));
  const maxRetryAfterMs = policy.maxRetryAfterMs ?? 30_000;
  const where = `${request.method} ${displayUrl(request.url)}`;
  const base = { method: request.method, url: displayUrl(request.url), idempotencyKey: context.stepKey };

  let secret: string | undefined;
  if (request.secretEnv) {
    secret = env[request.secretEnv];
    if (!secret) return failed(`${where}: signing secret ${request.secretEnv} is not set in the environment`, { ...base, sent: false });
  }
  const headers: Record<string, string> = {
    'user-agent': 'vigil-remediation',
    ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...request.headers,
    'idempotency-key': context.stepKey,
  };

  if (context.dryRun) {
    const wouldSend = {
      method: request.method,
      url: displayUrl(request.url),
      headers: { ...redactedHeaders(headers), ...(secret ? { 'webhook-id': context.stepKey, 'webhook-timestamp': '(at send time)', 'webhook-signature': '(v1 HMAC-SHA256, at send time)' } : {}) },
      body: request.body,
    };
    const size = request.body === undefined ? 'no body' : `${Buffer.byteLength(request.body)} bytes`;
    return succeeded(`dry run: would send ${where} (${size}${secret ? ', signed' : ''}), nothing sent`, { ...base, dryRun: true, sent: false, signed: Boolean(secret), request: wouldSend });
  }

  let lastProblem = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (context.signal.aborted) return failed(`${where}: ${abortReason(context.signal)} after ${attempt - 1} attempt(s)`, { ...base, attempts: attempt - 1, status: lastStatus });
    const attemptHeaders = secret ? { ...headers, ...signWebhook(secret, context.stepKey, request.body ?? '') } : headers;
    const timeout = AbortSignal.timeout(Math.round(request.timeoutSeconds * 1000));
    const signal = AbortSignal.any([context.signal, timeout]);
    let retryDelay: number | undefined;
    try {
      const response = await doFetch(request.url, { method: request.method, headers: attemptHeaders, body: request.body, signal, redirect: 'manual' });
      const text = await response.text();
      lastStatus = response.status;
      const data = { ...base, status: response.status, attempts: attempt, signed: Boolean(secret), responseBody: truncate(text, RESPONSE_BODY_LIMIT) };
      if (isExpected(response.status, request.expectStatus)) {
        return succeeded(`${where} → ${response.status}${attempt > 1 ? ` after ${attempt} attempts` : ''}`, data);
      }
      if (response.status < 500 && response.status !== 429) {
        // 4xx (and anything else unexpected) will not get better by sending it again.
        const location = response.status >= 300 && response.status < 400 ? ` (redirect to ${displayUrl(response.headers.get('location') ?? '')}, not followed)` : '';
        return failed(`${where} → ${response.status}${location}: ${truncate(text.replace(/\s+/g, ' ').trim(), 200) || 'no body'}`, data);
      }
      lastProblem = `${response.status}${text ? `: ${truncate(text.replace(/\s+/g, ' ').trim(), 200)}` : ''}`;
      const asked = retryAfterMs(response.headers.get('retry-after'), Date.now());
      if (asked !== undefined && attempt < attempts) {
        if (asked > maxRetryAfterMs) {
          return failed(`${where} → ${response.status}, asked to retry after ${Math.ceil(asked / 1000)} s (more than the ${maxRetryAfterMs / 1000} s a step waits)`, data);
        }
        retryDelay = asked;
      }
    } catch (error) {
      if (context.signal.aborted) return failed(`${where}: ${abortReason(context.signal)} after ${attempt} attempt(s)`, { ...base, attempts: attempt, status: lastStatus });
      lastStatus = undefined;
      lastProblem = timeout.aborted ? `timed out after ${request.timeoutSeconds} s` : `connection failed: ${connectionError(error)}`;
    }
    if (attempt < attempts) {
      try {
        await sleep(retryDelay ?? backoffMs(attempt, policy), context.signal);
      } catch (error) {
        if (error instanceof AbortedError) return failed(`${where}: ${abortReason(context.signal)} while waiting to retry (${lastProblem})`, { ...base, attempts: attempt, status: lastStatus });
        throw error;
      }
    }
  }
  return failed(`${where}: ${lastProblem} (gave up after ${attempts} attempts)`, { ...base, attempts, status: lastStatus });
}
