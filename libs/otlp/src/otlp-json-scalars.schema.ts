import { z } from 'zod';
import type { AttributeValue } from '@vigil/contracts';
import { opentelemetry } from './generated/otlp';
import { hexIdOrNull } from './hex-id';
import { int64ToAttributeValue } from './long-value';

/*
 * Leaf values of OTLP/JSON. Each schema both validates and converts, so every failure carries
 * its exact JSON path.
 */

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_INTEGER = /^-?\d+$/;
// Standard or URL-safe alphabet, padding optional: the proto3 JSON mapping accepts all four.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const { SeverityNumber } = opentelemetry.proto.logs.v1;
const MAX_SEVERITY = SeverityNumber.SEVERITY_NUMBER_FATAL4;
const SEVERITY_BY_NAME = new Map(
  Object.entries(SeverityNumber).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
);

/** The part of zod's transform context used here. */
interface IssueSink {
  addIssue(message: string): void;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * A field that may be absent: absent and null both mean the protobuf default (proto3 JSON
 * mapping) and give `fallback`; anything else goes through `convert`, which either returns the
 * converted value or `undefined` after reporting why it cannot.
 */
function leaf<T>(fallback: T, convert: (value: unknown) => T | undefined, expected: string) {
  // .optional() first: zod 4 rejects a missing key unless the field's schema is optional.
  return z
    .unknown()
    .optional()
    .transform((value, ctx: IssueSink) => {
      if (value == null) return fallback;
      const converted = convert(value);
      if (converted !== undefined) return converted;
      ctx.addIssue(`expected ${expected}, got ${describe(value)}`);
      return z.NEVER;
    });
}

/**
 * 64-bit integers arrive as decimal strings (as the OTLP spec asks) or as JSON numbers (as the
 * OTel JS SDK writes them). A number beyond 2^53 was already rounded by JSON.parse; converting
 * that double exactly gives the same value the SDK puts on the wire in protobuf.
 */
function integerIn(value: unknown, min: bigint, max: bigint): bigint | undefined {
  let n: bigint;
  if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) n = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else return undefined;
  return n >= min && n <= max ? n : undefined;
}

/** fixed64 nanosecond times → exact decimal string. */
export const uint64Schema = leaf(
  '0',
  (value) => integerIn(value, 0n, UINT64_MAX)?.toString(),
  'an unsigned 64-bit integer as a decimal string or number',
);

/** fixed32/uint32 (flags). */
export const uint32Schema = leaf(
  0,
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX ? value : undefined,
  'an unsigned 32-bit integer',
);

/** AnyValue.intValue → number while exact, decimal string beyond 2^53. */
export const int64Schema = leaf<AttributeValue | undefined>(
  undefined,
  (value) => {
    const n = integerIn(value, INT64_MIN, INT64_MAX);
    return n === undefined ? undefined : int64ToAttributeValue(n);
  },
  'a signed 64-bit integer as a decimal string or number',
);

/** AnyValue.doubleValue; the non-finite spellings stay strings, as JSON has no such numbers. */
export const doubleSchema = leaf<AttributeValue | undefined>(
  undefined,
  (value) =>
    typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? value : undefined,
  'a number (or "NaN", "Infinity", "-Infinity")',
);

/** AnyValue.bytesValue → standard padded base64. */
export const bytesSchema = leaf<string | undefined>(
  undefined,
  (value) =>
    typeof value === 'string' && BASE64.test(value) && value.replace(/=+$/, '').length % 4 !== 1
      ? Buffer.from(value, 'base64').toString('base64')
      : undefined,
  'base64-encoded bytes',
);

/** Enums are integers in OTLP/JSON; the protobuf JSON mapping's names are accepted as well. */
export const severityNumberSchema = leaf(
  0,
  (value) => {
    if (typeof value === 'string') return SEVERITY_BY_NAME.get(value);
    const valid = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEVERITY;
    return valid ? value : undefined;
  },
  `a severity number 0-${MAX_SEVERITY}`,
);

/** trace/span ids are hex in OTLP/JSON, not base64 as in the generic protobuf JSON mapping. */
export function hexIdSchema(bytes: 8 | 16) {
  const pattern = new RegExp(`^(?:[0-9a-fA-F]{${bytes * 2}})?$`);
  return leaf<string | null>(
    null,
    (value) => (typeof value === 'string' && pattern.test(value) ? hexIdOrNull(value) : undefined),
    `a ${bytes}-byte id as ${bytes * 2} hex characters (or "")`,
  );
}

/** Strings default to "" when absent. */
export const stringSchema = z
  .string()
  .nullish()
  .transform((value) => value ?? '');
