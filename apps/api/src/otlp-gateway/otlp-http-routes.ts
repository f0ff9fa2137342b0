import type { IncomingMessage } from 'node:http';
import type { OtlpSignal } from '@vigil/otlp';

/** The OTLP/HTTP default paths (spec: "OTLP/HTTP Request"), relative to the server root. */
export const OTLP_HTTP_PATHS = {
  logs: 'v1/logs',
  metrics: 'v1/metrics',
  traces: 'v1/traces',
} as const satisfies Record<OtlpSignal, string>;

const otlpPaths = new Set(Object.values(OTLP_HTTP_PATHS).map((p) => `/${p}`));

/**
 * True for requests routed to the OTLP receiver, which reads the raw body itself. Express
 * routing ignores case and a trailing slash, so this must too, or a `/V1/Logs/` JSON request
 * would reach the receiver already consumed by the JSON body parser.
 */
export function isOtlpHttpRequest(req: Pick<IncomingMessage, 'url'>): boolean {
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  return otlpPaths.has(path.toLowerCase().replace(/\/+$/, ''));
}
