import type { AttributeValue, Attributes } from '@vigil/contracts';
import { int64ToAttributeValue, int64ToBigInt } from './long-value';
import type { RawAnyValue, RawKeyValue } from './raw-request.decoder';
import { setOwn } from './set-own';

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** JSON has no NaN or ±Infinity; use the spellings of the protobuf JSON mapping instead. */
function doubleToAttributeValue(value: number): AttributeValue {
  return Number.isFinite(value) ? value : String(value);
}

/**
 * A decoded AnyValue as plain JSON. Unset (empty) values become null. Depth is bounded by
 * protobufjs's decoder (nesting limit 100), so the recursion here cannot overflow the stack.
 */
export function protoAnyValueToJson(value: RawAnyValue | null | undefined): AttributeValue {
  switch (value?.value) {
    case undefined:
      return null;
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return value.intValue ? int64ToAttributeValue(int64ToBigInt(value.intValue)) : 0;
    case 'doubleValue':
      return doubleToAttributeValue(value.doubleValue ?? 0);
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(protoAnyValueToJson);
    case 'kvlistValue':
      return protoKeyValuesToAttributes(value.kvlistValue?.values ?? []);
    case 'bytesValue':
      return bytesToBase64(value.bytesValue ?? new Uint8Array(0));
  }
}

/** Repeated KeyValue as an object. Keys must be unique in OTLP; if not, the last one wins. */
export function protoKeyValuesToAttributes(keyValues: readonly RawKeyValue[]): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of keyValues) setOwn(attributes, key, protoAnyValueToJson(value));
  return attributes;
}
