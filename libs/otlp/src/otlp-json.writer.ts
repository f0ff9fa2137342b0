import * as protobuf from 'protobufjs/minimal';
import { int64ToBigInt, uint64ToDecimal, type Long } from './long-value';

/*
 * Generated protobuf message objects → OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * lowerCamelCase keys (the generated field names), trace/span ids as hex, other bytes as base64,
 * 64-bit integers as decimal strings, enums as integers, non-finite doubles as "NaN"/"Infinity".
 *
 * It walks own properties, which is exactly the set fields: decode() and the generated
 * constructors assign only fields that are present, defaults live on the prototype, and oneof
 * discriminators ("value", "data") are prototype accessors. No reflection is needed.
 */

// The only bytes fields that OTLP/JSON writes as hex; every other one is base64.
const HEX_ID_FIELDS: ReadonlySet<string> = new Set(['traceId', 'spanId', 'parentSpanId']);

/*
 * Scalar fields with presence in the OTLP protos (oneof members and proto3 `optional`): their
 * default value is information ("" body, 0 gauge value, 0 sum) and is always written. Every other
 * field at its default is left out, as proto3 JSON printers do, even when the protobuf sender
 * wrote it explicitly (the OTel JS SDK writes droppedAttributesCount: 0, for one).
 */
const PRESENCE_FIELDS: ReadonlySet<string> = new Set([
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'bytesValue',
  'asDouble',
  'asInt',
  'sum',
  'min',
  'max',
]);

type Json = string | number | boolean | Json[] | { [key: string]: Json };

function isLong(value: object): value is Long {
  return value instanceof protobuf.util.Long;
}

function toJsonValue(key: string, value: unknown): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object':
      if (value === null) return undefined;
      if (value instanceof Uint8Array) {
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        return bytes.toString(HEX_ID_FIELDS.has(key) ? 'hex' : 'base64');
      }
      if (isLong(value)) return value.unsigned ? uint64ToDecimal(value) : int64ToBigInt(value).toString();
      if (Array.isArray(value)) {
        if (value.length === 0) return undefined;
        const elements: Json[] = [];
        for (const element of value as unknown[]) {
          const converted = toJsonValue(key, element);
          if (converted !== undefined) elements.push(converted);
        }
        return elements;
      }
      return messageToJson(value);
    default:
      return undefined;
  }
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (value instanceof Uint8Array) return value.byteLength === 0;
  return typeof value === 'object' && value !== null && isLong(value) && value.isZero();
}

function messageToJson(message: object): { [key: string]: Json } {
  const json: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(message)) {
    if (!PRESENCE_FIELDS.has(key) && isDefault(value)) continue;
    const converted = toJsonValue(key, value);
    if (converted !== undefined) json[key] = converted;
  }
  return json;
}

/** A decoded (or OTLP/JSON-converted) export request as OTLP/JSON text bytes. */
export function writeOtlpJson(request: object): Uint8Array {
  return Buffer.from(JSON.stringify(messageToJson(request)), 'utf8');
}
