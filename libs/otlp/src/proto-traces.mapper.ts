import { SPAN_KINDS, SPAN_STATUS_CODES, type NormalizedSpan } from '@vigil/contracts';
import type { opentelemetry } from './generated/otlp';
import { idBytesToHex } from './hex-id';
import { uint64ToBigInt, uint64ToDecimal } from './long-value';
import { withErrorPath } from './lazy-path';
import { OtlpDecodeError } from './otlp-decode.error';
import { protoKeyValuesToAttributes } from './proto-any-value.mapper';
import type { RawTraceRequest } from './raw-request.decoder';
import { originOf, scopeOf, type Origin } from './resource-origin';

type RawSpan = opentelemetry.proto.trace.v1.Span;

/** A span's own ids are required: a span without them cannot be placed in any trace. */
function requiredId(bytes: Uint8Array, size: 8 | 16, path: string): string {
  const hex = idBytesToHex(bytes, size, path);
  if (hex === null) throw new OtlpDecodeError('invalid_otlp', `${path}: expected a non-zero ${size}-byte id`);
  return hex;
}

/** Proto3 enums are open: the wire may carry any int32, the data model defines only these. */
function enumName<T extends string>(names: readonly T[], value: number, path: string): T {
  const name = names[value];
  if (name === undefined) {
    throw new OtlpDecodeError('invalid_otlp', `${path}: expected 0-${names.length - 1}, got ${value}`);
  }
  return name;
}

function spanOf(span: RawSpan, origin: Origin, scope: NormalizedSpan['scope'], path: string): NormalizedSpan {
  const duration = uint64ToBigInt(span.endTimeUnixNano) - uint64ToBigInt(span.startTimeUnixNano);
  return {
    ...origin,
    scope,
    traceId: requiredId(span.traceId, 16, `${path}.traceId`),
    spanId: requiredId(span.spanId, 8, `${path}.spanId`),
    parentSpanId: idBytesToHex(span.parentSpanId, 8, `${path}.parentSpanId`),
    traceState: span.traceState,
    name: span.name,
    kind: enumName(SPAN_KINDS, span.kind, `${path}.kind`),
    startTimeUnixNano: uint64ToDecimal(span.startTimeUnixNano),
    endTimeUnixNano: uint64ToDecimal(span.endTimeUnixNano),
    // The contract's rule: a span that ends before it starts lasts 0, not a negative time.
    durationNs: duration > 0n ? Number(duration) : 0,
    attributes: protoKeyValuesToAttributes(span.attributes),
    status: {
      code: enumName(SPAN_STATUS_CODES, span.status?.code ?? 0, `${path}.status.code`),
      message: span.status?.message ?? '',
    },
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: uint64ToDecimal(event.timeUnixNano),
      attributes: protoKeyValuesToAttributes(event.attributes),
    })),
    links: span.links.map((link, l) => ({
      // Contract: links carry plain strings; an empty (or all-zero) id is "".
      traceId: idBytesToHex(link.traceId, 16, `${path}.links[${l}].traceId`) ?? '',
      spanId: idBytesToHex(link.spanId, 8, `${path}.links[${l}].spanId`) ?? '',
      traceState: link.traceState,
      attributes: protoKeyValuesToAttributes(link.attributes),
    })),
    // fixed32, all bits kept: the low 8 are the W3C trace flags, bits 8-9 the remote-parent flags.
    flags: span.flags,
  };
}

/**
 * A decoded request → its spans, flattened resourceSpans → scopeSpans → spans in request order.
 * Spans of one resource (scope) share its `resource` (`scope`) object. Error paths use OTLP/JSON
 * names.
 */
export function protoTracesToSpans(request: RawTraceRequest): NormalizedSpan[] {
  const spans: NormalizedSpan[] = [];
  request.resourceSpans.forEach((resourceSpans, r) => {
    const origin = originOf(resourceSpans.resource);
    resourceSpans.scopeSpans.forEach((scopeSpans, s) => {
      const scope = scopeOf(scopeSpans.scope);
      scopeSpans.spans.forEach((span, i) => {
        spans.push(withErrorPath(() => `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`, (path) => spanOf(span, origin, scope, path)));
      });
    });
  });
  return spans;
}
