import type { MessageBus } from '@vigil/bus';
import type { OtlpSignal } from '@vigil/otlp';

export type OtlpTopicEncoding = 'otlp_proto' | 'otlp_json';

/** What the OTLP/HTTP receiver needs from the composition root (see `ApiDependencies.otlpGateway`). */
export interface OtlpGatewayOptions {
  bus: MessageBus;
  /** Where each signal's export requests go: VIGIL_TOPIC_OTLP_{LOGS,METRICS,SPANS}. */
  topics: Readonly<Record<OtlpSignal, string>>;
  /** VIGIL_OTLP_ENCODING: what the consumers of those topics decode. */
  topicEncoding: OtlpTopicEncoding;
  /** VIGIL_MAX_MESSAGE_BYTES: the limit on the wire body and again after gzip. */
  maxBytes: number;
  /** Requests admitted at once, body reading through publish; the rest get 429 (default 64). */
  maxInFlight?: number;
  /** A publish slower than this answers 503 (default 8 s); its slot stays taken until it settles. */
  publishTimeoutMs?: number;
}

export type ResolvedOtlpGatewayOptions = Required<OtlpGatewayOptions>;

export const DEFAULT_MAX_IN_FLIGHT = 64;
/** Below the JS/Go/Java exporters' 10 s default request timeout, so the client hears our 503 rather than timing out. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 8_000;

export function resolveOtlpGatewayOptions(options: OtlpGatewayOptions): ResolvedOtlpGatewayOptions {
  const resolved = {
    ...options,
    maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    publishTimeoutMs: options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
  };
  // Bad limits are configuration bugs: refuse to start rather than reject (or admit) everything.
  for (const key of ['maxBytes', 'maxInFlight', 'publishTimeoutMs'] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`otlpGateway.${key} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}

/** Injection token of the resolved options (explicit, so DI never depends on emitted metadata). */
export const OTLP_GATEWAY_OPTIONS = Symbol('OtlpGatewayOptions');
/** Injection token of the optional pino logger. */
export const OTLP_GATEWAY_LOGGER = Symbol('OtlpGatewayLogger');
