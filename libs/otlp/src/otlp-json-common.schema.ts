import { z } from 'zod';
import { opentelemetry } from './generated/otlp';
import {
  boolValueSchema,
  bytesValueSchema,
  doubleValueSchema,
  int64ValueSchema,
  stringSchema,
  stringValueSchema,
  uint32Schema,
} from './otlp-json-scalars.schema';

/*
 * OTLP/JSON messages shared by all three signals, converted into instances of the generated
 * protobuf classes: the same objects decode() returns, so the mappers and encode() take both.
 * Unknown keys are ignored, as the OTLP spec requires of receivers.
 */

const { AnyValue, ArrayValue, KeyValue, KeyValueList, InstrumentationScope, EntityRef } = opentelemetry.proto.common.v1;
const { Resource } = opentelemetry.proto.resource.v1;
type RawAnyValue = opentelemetry.proto.common.v1.AnyValue;
type RawKeyValue = opentelemetry.proto.common.v1.KeyValue;

const ANY_VALUE_MEMBERS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

/** A repeated field: absent and null are empty. */
export function repeated<T extends z.ZodType>(element: T) {
  return z
    .array(element)
    .nullish()
    .transform((values) => values ?? undefined);
}

/** A message-typed field: absent and null leave it unset. */
export function optionalMessage<T extends z.ZodType>(message: T) {
  return message.nullish().transform((value) => value ?? undefined);
}

export const jsonAnyValueSchema: z.ZodType<RawAnyValue> = z.lazy(() =>
  z
    .object({
      stringValue: stringValueSchema,
      boolValue: boolValueSchema,
      intValue: int64ValueSchema,
      doubleValue: doubleValueSchema,
      arrayValue: optionalMessage(z.object({ values: repeated(jsonAnyValueSchema) })),
      kvlistValue: optionalMessage(z.object({ values: repeated(jsonKeyValueSchema) })),
      bytesValue: bytesValueSchema,
    })
    .transform((value, ctx) => {
      // Hot path (every attribute): a plain loop and direct assignment, no spreads or filters.
      let member: (typeof ANY_VALUE_MEMBERS)[number] | undefined;
      for (const name of ANY_VALUE_MEMBERS) {
        if (value[name] === undefined) continue;
        // A oneof: two members set is ambiguous, and guessing which one was meant would be wrong.
        if (member !== undefined) {
          const present = ANY_VALUE_MEMBERS.filter((m) => value[m] !== undefined);
          ctx.addIssue(`an AnyValue sets at most one member, got ${present.join(' and ')}`);
          return z.NEVER;
        }
        member = name;
      }
      const anyValue = new AnyValue();
      switch (member) {
        case 'stringValue':
          anyValue.stringValue = value.stringValue;
          break;
        case 'boolValue':
          anyValue.boolValue = value.boolValue;
          break;
        case 'intValue':
          anyValue.intValue = value.intValue;
          break;
        case 'doubleValue':
          anyValue.doubleValue = value.doubleValue;
          break;
        case 'bytesValue':
          anyValue.bytesValue = value.bytesValue;
          break;
        case 'arrayValue':
          anyValue.arrayValue = new ArrayValue(value.arrayValue);
          break;
        case 'kvlistValue':
          anyValue.kvlistValue = new KeyValueList(value.kvlistValue);
          break;
      }
      return anyValue;
    }),
);

export const jsonKeyValueSchema: z.ZodType<RawKeyValue> = z.lazy(() =>
  z.object({ key: stringSchema, value: optionalMessage(jsonAnyValueSchema) }).transform(({ key, value }) => {
    // Hot path: direct assignment is cheaper than the generated constructor's key loop.
    const keyValue = new KeyValue();
    if (key !== undefined) keyValue.key = key;
    if (value !== undefined) keyValue.value = value;
    return keyValue;
  }),
);

export const jsonAttributesSchema = repeated(jsonKeyValueSchema);

export const jsonScopeSchema = optionalMessage(
  z
    .object({
      name: stringSchema,
      version: stringSchema,
      attributes: jsonAttributesSchema,
      droppedAttributesCount: uint32Schema,
    })
    .transform((scope) => new InstrumentationScope(scope)),
);

const jsonEntityRefSchema = z
  .object({
    schemaUrl: stringSchema,
    type: stringSchema,
    idKeys: repeated(z.string()),
    descriptionKeys: repeated(z.string()),
  })
  .transform((ref) => new EntityRef(ref));

export const jsonResourceSchema = optionalMessage(
  z
    .object({
      attributes: jsonAttributesSchema,
      droppedAttributesCount: uint32Schema,
      entityRefs: repeated(jsonEntityRefSchema),
    })
    .transform((resource) => new Resource(resource)),
);
