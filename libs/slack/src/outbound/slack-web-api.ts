import { LogLevel, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { boltLogger, redactSlackTokens } from '../inbound/slack-logger';

/**
 * Why a Slack call failed, as the sync acts on it:
 * - `rate_limited`: HTTP 429; wait `retryAfterMs`, then make the same call again;
 * - `unavailable`: Slack (or the way to it) is down: connection refused or reset, timeout, 5xx;
 * - `platform`: Slack answered `{ok: false, error}`; `slackError` says what.
 */
export type SlackFailureKind = 'rate_limited' | 'unavailable' | 'platform';

export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly kind: SlackFailureKind,
    message: string,
    readonly slackError: string | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${method}: ${message}`);
    this.name = 'SlackCallError';
  }
}

export interface SlackWebApiOptions {
  /** The bot token (xoxb-…), from SLACK_BOT_TOKEN only. Never logged. */
  token: string;
  /** SLACK_API_URL, e.g. https://slack.com/api/ */
  apiUrl: string;
  /** One HTTP request may take this long. */
  timeoutMs: number;
  logger?: Logger;
}

/** Slack's answer to a Web API method: `ok` and whatever the method returns. */
export type SlackResult = { ok: boolean; [key: string]: unknown };

/**
 * The Web API client the sync uses: `@slack/web-api`'s WebClient with its own retries off
 * (`retries: 0`, 429s rejected at once) so the sync's queue owns every retry and keeps order,
 * and every failure sorted into a SlackCallError.
 */
export class SlackWebApi {
  readonly client: webApi.WebClient;

  constructor(options: SlackWebApiOptions) {
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs,
      // The client's own lines go to pino scrubbed of tokens (its debug output, with URLs and
      // bodies, at trace); without a logger, errors only. The sync logs every failure itself.
      ...(options.logger ? { logger: boltLogger(options.logger.child({ component: 'slack-web-api' })) } : { logLevel: LogLevel.ERROR }),
    });
  }

  async call(method: string, args: Record<string, unknown>): Promise<SlackResult> {
    try {
      if (method === 'files.uploadV2') return (await this.client.filesUploadV2(args as unknown as webApi.FilesUploadV2Arguments)) as unknown as SlackResult;
      return (await this.client.apiCall(method, args)) as SlackResult;
    } catch (error) {
      throw classify(method, error);
    }
  }
}

export function classify(method: string, error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  const e = error as { code?: string; message?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: { code?: string; message?: string } };
  const message = redactSlackTokens(e?.message ?? String(error));
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new SlackCallError(method, 'rate_limited', `rate limited, retry after ${e.retryAfter ?? 1} s`, 'ratelimited', Math.max(0, Number(e.retryAfter ?? 1)) * 1000);
    case webApi.ErrorCode.PlatformError: {
      const slackError = e.data?.error ?? 'unknown_error';
      // Slack says it is having trouble: that is an outage, not an answer.
      if (['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(slackError)) return new SlackCallError(method, 'unavailable', slackError, slackError);
      if (slackError === 'ratelimited') return new SlackCallError(method, 'rate_limited', 'rate limited', slackError, 1000);
      return new SlackCallError(method, 'platform', slackError, slackError);
    }
    case webApi.ErrorCode.HTTPError:
      return new SlackCallError(method, 'unavailable', `HTTP ${e.statusCode ?? '?'}`);
    case webApi.ErrorCode.RequestError: {
      const original = e.original;
      return new SlackCallError(method, 'unavailable', redactSlackTokens([original?.code, original?.message].filter(Boolean).join(': ') || message));
    }
    default:
      // The upload POST of files.uploadV2 and anything else unexpected on the way: retried like an outage.
      return new SlackCallError(method, 'unavailable', message);
  }
}
