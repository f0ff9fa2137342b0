import type { AttributeValue } from '@vigil/contracts';
import type { opentelemetry } from './generated/otlp';

/** long.js's Long, as protobufjs decodes 64-bit fields (typed through the generated code). */
export type Long = opentelemetry.proto.logs.v1.LogRecord['timeUnixNano'];

/**
 * The part of protobufjs's Long (long.js) this lib reads. Structural, so no `long` import is
 * needed, and plain { low, high } test values work too.
 */
export interface LongBits {
  readonly low: number;
  readonly high: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function bitsOf(value: LongBits): bigint {
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** fixed64/uint64 as an exact unsigned bigint. */
export function uint64ToBigInt(value: LongBits): bigint {
  return bitsOf(value);
}

/** fixed64/uint64 (e.g. nanosecond times, far beyond 2^53) as an exact decimal string. */
export function uint64ToDecimal(value: LongBits): string {
  return bitsOf(value).toString();
}

/** int64 as a signed bigint, whatever the Long's own `unsigned` flag says. */
export function int64ToBigInt(value: LongBits): bigint {
  return BigInt.asIntN(64, bitsOf(value));
}

/** An int64 as plain JSON: a number while it is exact, a decimal string beyond 2^53. */
export function int64ToAttributeValue(value: bigint): AttributeValue {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
}

/** fixed64/uint64 counts as a JS number (exact below 2^53, which counts stay under in practice). */
export function uint64ToNumber(value: LongBits): number {
  return (value.high >>> 0) * 2 ** 32 + (value.low >>> 0);
}

/** int64/sfixed64 values as a JS number (rounded beyond 2^53, as the contracts accept). */
export function int64ToNumber(value: LongBits): number {
  return Number(int64ToBigInt(value));
}
