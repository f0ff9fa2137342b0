import * as protobuf from 'protobufjs/minimal';
import { z } from 'zod';
import type { Long } from './long-value';

/*
 * Leaf values of OTLP/JSON, converted to what protobufjs's decode() would have produced for the
 * same field (Long, Uint8Array, enum numbers), so one mapper and one encoder serve both
 * encodings. Each schema validates and converts at once, so every failure carries its JSON path.
 *
 * Absent and null both mean the protobuf default (proto3 JSON mapping) and become `undefined`,
 * so the generated constructor leaves the field on its prototype default and encode() skips it.
 * "Plain" fields also turn an explicit default ("", 0, false) into `undefined`, as a proto3
 * encoder would not write them; fields with presence (oneof members, `optional`) keep it.
 */

const UINT32_MAX = 0xffffffff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_INTEGER = /^-?\d+$/;
// Standard or URL-safe alphabet, padding optional: the proto3 JSON mapping accepts all four.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const NON_FINITE: ReadonlyMap<unknown, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

/** What a converter returns for a value it cannot convert (undefined is a valid result). */
const INVALID: unique symbol = Symbol('invalid');

/** The part of zod's transform context used here. */
interface IssueSink {
  addIssue(message: string): void;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Drops a proto3 default value, which an encoder would not write either. */
function unlessDefault<T>(value: T | undefined): T | undefined {
  if (value === 0 || value === '' || value === false) return undefined;
  return value instanceof protobuf.util.Long && value.low === 0 && value.high === 0 ? undefined : value;
}

/**
 * A field that may be absent (→ `undefined`); anything else goes through `convert`, which
 * returns the converted value or INVALID, in which case the issue says what was expected.
 */
function leaf<T>(convert: (value: unknown) => T | typeof INVALID, expected: string, plain = false) {
  // .optional() first: zod 4 rejects a missing key unless the field's schema is optional.
  return z
    .unknown()
    .optional()
    .transform((value, ctx: IssueSink): T | undefined => {
      if (value == null) return undefined;
      const converted = convert(value);
      if (converted === INVALID) {
        ctx.addIssue(`expected ${expected}, got ${describe(value)}`);
        return z.NEVER;
      }
      return plain ? unlessDefault(converted) : converted;
    });
}

/** A field without presence: its default value is dropped, as a proto3 encoder would not write it. */
function plainLeaf<T>(convert: (value: unknown) => T | typeof INVALID, expected: string) {
  return leaf(convert, expected, true);
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

/** A bigint as the Long protobufjs would have decoded (unsigned for fixed64/uint64). */
export function bigIntToLong(value: bigint, unsigned: boolean): Long {
  const bits = BigInt.asUintN(64, value);
  const long = new protobuf.util.LongBits(Number(bits & 0xffffffffn), Number(bits >> 32n)).toLong(unsigned);
  // protobufjs types its Long as a bare { low, high, unsigned }; at runtime it is long.js's Long,
  // the type the generated code declares.
  return long as unknown as Long;
}

function int32In(value: unknown, min: number, max: number): number | typeof INVALID {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : INVALID;
}

function toUint64(value: unknown): Long | typeof INVALID {
  const n = integerIn(value, 0n, UINT64_MAX);
  return n === undefined ? INVALID : bigIntToLong(n, true);
}

function toDouble(value: unknown): number | typeof INVALID {
  return typeof value === 'number' ? value : (NON_FINITE.get(value) ?? INVALID);
}

const UINT64 = 'an unsigned 64-bit integer as a decimal string or number';
const DOUBLE = 'a number (or "NaN", "Infinity", "-Infinity")';

/** fixed64/uint64 with presence (repeated elements): exact Long. */
export const uint64ValueSchema = leaf(toUint64, UINT64);

/** fixed64/uint64 plain fields (nanosecond times, counts). */
export const uint64Schema = plainLeaf(toUint64, UINT64);

/** int64/sfixed64 with presence (AnyValue.intValue, asInt). */
export const int64ValueSchema = leaf((value) => {
  const n = integerIn(value, INT64_MIN, INT64_MAX);
  return n === undefined ? INVALID : bigIntToLong(n, false);
}, 'a signed 64-bit integer as a decimal string or number');

/** fixed32/uint32 (flags, dropped counts). */
export const uint32Schema = plainLeaf((value) => int32In(value, 0, UINT32_MAX), 'an unsigned 32-bit integer');

/** int32/sint32 (scale, offset). */
export const int32Schema = plainLeaf((value) => int32In(value, INT32_MIN, INT32_MAX), 'a 32-bit integer');

/** double with presence; the proto3 JSON spellings of the non-finite values are accepted. */
export const doubleValueSchema = leaf(toDouble, DOUBLE);

/** double plain fields. */
export const doubleSchema = plainLeaf(toDouble, DOUBLE);

export const boolValueSchema = leaf((value) => (typeof value === 'boolean' ? value : INVALID), 'a boolean');
export const boolSchema = plainLeaf((value) => (typeof value === 'boolean' ? value : INVALID), 'a boolean');

export const stringValueSchema = leaf((value) => (typeof value === 'string' ? value : INVALID), 'a string');
/** Strings are "" when absent; the mappers read the prototype default. */
export const stringSchema = plainLeaf((value) => (typeof value === 'string' ? value : INVALID), 'a string');

/** bytes as base64 (AnyValue.bytesValue), with presence. */
export const bytesValueSchema = leaf(
  (value) =>
    typeof value === 'string' && BASE64.test(value) && value.replace(/=+$/, '').length % 4 !== 1
      ? Buffer.from(value, 'base64')
      : INVALID,
  'base64-encoded bytes',
);

/** trace/span ids are hex in OTLP/JSON, not base64 as in the generic protobuf JSON mapping. */
export function hexIdSchema(bytes: 8 | 16) {
  const pattern = new RegExp(`^(?:[0-9a-fA-F]{${bytes * 2}})?$`);
  return leaf((value) => {
    if (typeof value !== 'string' || !pattern.test(value)) return INVALID;
    return value === '' ? undefined : Buffer.from(value, 'hex');
  }, `a ${bytes}-byte id as ${bytes * 2} hex characters (or "")`);
}

/**
 * Enums are integers in OTLP/JSON; the protobuf JSON mapping's names are accepted as well.
 * `values` is the generated enum object; only its declared values are accepted, because the
 * data model gives meaning to no other (and the mappers would reject them anyway).
 */
export function enumSchema(values: object, expected: string) {
  const byName = new Map(
    Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
  const known = new Set(byName.values());
  return plainLeaf((value) => {
    const number = typeof value === 'string' ? byName.get(value) : value;
    return typeof number === 'number' && known.has(number) ? number : INVALID;
  }, expected);
}

/** A repeated scalar field: absent and null are empty; a null element is an error. */
export function repeatedScalars<T>(element: z.ZodType<T | undefined>) {
  const required = element.transform((value, ctx: IssueSink): T => {
    if (value !== undefined) return value;
    ctx.addIssue('expected a value, got null');
    return z.NEVER;
  });
  return z
    .array(required)
    .nullish()
    .transform((values) => values ?? undefined);
}
