import { z } from 'zod';
import type { AttributeValue, Attributes } from '@vigil/contracts';
import type { LogRecordParts, ResourceLogsParts, ScopeLogsParts } from './log-records.flattener';
import {
  bytesSchema,
  doubleSchema,
  hexIdSchema,
  int64Schema,
  severityNumberSchema,
  stringSchema,
  uint32Schema,
  uint64Schema,
} from './otlp-json-scalars.schema';
import { setOwn } from './set-own';

/*
 * OTLP/JSON ExportLogsServiceRequest (lowerCamelCase keys, hex ids, integer enums), validated
 * and converted in one pass into the encoding-neutral parts the protobuf path also produces.
 * Unknown keys are ignored, as the OTLP spec requires of receivers; keys we do not use
 * (droppedAttributesCount, schemaUrl, eventName...) are therefore not validated either.
 */

interface KeyValuePair {
  key: string;
  value: AttributeValue;
}

const ANY_VALUE_MEMBERS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

function toAttributes(pairs: readonly KeyValuePair[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of pairs ?? []) setOwn(attributes, key, value);
  return attributes;
}

export const jsonAnyValueSchema: z.ZodType<AttributeValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().nullish(),
      boolValue: z.boolean().nullish(),
      intValue: int64Schema,
      doubleValue: doubleSchema,
      arrayValue: z.object({ values: z.array(jsonAnyValueSchema).nullish() }).nullish(),
      kvlistValue: z.object({ values: z.array(jsonKeyValueSchema).nullish() }).nullish(),
      bytesValue: bytesSchema,
    })
    .transform((value, ctx): AttributeValue => {
      const present = ANY_VALUE_MEMBERS.filter((member) => value[member] != null);
      // A oneof: two members set is ambiguous, and guessing which one was meant would be wrong.
      if (present.length > 1) {
        ctx.addIssue(`an AnyValue sets at most one member, got ${present.join(' and ')}`);
        return z.NEVER;
      }
      if (value.stringValue != null) return value.stringValue;
      if (value.boolValue != null) return value.boolValue;
      if (value.intValue !== undefined) return value.intValue;
      if (value.doubleValue !== undefined) return value.doubleValue;
      if (value.arrayValue != null) return value.arrayValue.values ?? [];
      if (value.kvlistValue != null) return toAttributes(value.kvlistValue.values);
      if (value.bytesValue !== undefined) return value.bytesValue;
      return null;
    }),
);

export const jsonKeyValueSchema: z.ZodType<KeyValuePair> = z.lazy(() =>
  z
    .object({ key: stringSchema, value: jsonAnyValueSchema.nullish() })
    .transform(({ key, value }) => ({ key, value: value ?? null })),
);

const attributesSchema = z.array(jsonKeyValueSchema).nullish().transform(toAttributes);

const logRecordSchema = z
  .object({
    timeUnixNano: uint64Schema,
    observedTimeUnixNano: uint64Schema,
    severityNumber: severityNumberSchema,
    severityText: stringSchema,
    body: jsonAnyValueSchema.nullish(),
    attributes: attributesSchema,
    flags: uint32Schema,
    traceId: hexIdSchema(16),
    spanId: hexIdSchema(8),
  })
  .transform((record): LogRecordParts => ({ ...record, body: record.body ?? null }));

const scopeLogsSchema = z
  .object({
    scope: z.object({ name: stringSchema, version: stringSchema }).nullish(),
    logRecords: z.array(logRecordSchema).nullish(),
  })
  .transform(
    ({ scope, logRecords }): ScopeLogsParts => ({
      scope: scope ?? { name: '', version: '' },
      logRecords: logRecords ?? [],
    }),
  );

const resourceLogsSchema = z
  .object({
    resource: z.object({ attributes: attributesSchema }).nullish(),
    scopeLogs: z.array(scopeLogsSchema).nullish(),
  })
  .transform(
    ({ resource, scopeLogs }): ResourceLogsParts => ({
      resource: resource?.attributes ?? {},
      scopeLogs: scopeLogs ?? [],
    }),
  );

export const otlpJsonLogsRequestSchema = z
  .object({ resourceLogs: z.array(resourceLogsSchema).nullish() })
  .transform(({ resourceLogs }): ResourceLogsParts[] => resourceLogs ?? []);
