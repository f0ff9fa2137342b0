import { z } from 'zod';
import { opentelemetry } from './generated/otlp';
import {
  jsonAnyValueSchema,
  jsonAttributesSchema,
  jsonResourceSchema,
  jsonScopeSchema,
  optionalMessage,
  repeated,
} from './otlp-json-common.schema';
import {
  enumSchema,
  hexIdSchema,
  stringSchema,
  uint32Schema,
  uint64Schema,
} from './otlp-json-scalars.schema';

/*
 * OTLP/JSON ExportLogsServiceRequest (lowerCamelCase keys, hex ids, integer or named enums),
 * validated and converted in one pass into the generated protobuf classes.
 */

const { LogRecord, ScopeLogs, ResourceLogs, SeverityNumber } = opentelemetry.proto.logs.v1;
const { ExportLogsServiceRequest } = opentelemetry.proto.collector.logs.v1;

const logRecordSchema = z
  .object({
    timeUnixNano: uint64Schema,
    observedTimeUnixNano: uint64Schema,
    severityNumber: enumSchema(SeverityNumber, `a severity number 0-${SeverityNumber.SEVERITY_NUMBER_FATAL4}`),
    severityText: stringSchema,
    body: optionalMessage(jsonAnyValueSchema),
    attributes: jsonAttributesSchema,
    droppedAttributesCount: uint32Schema,
    flags: uint32Schema,
    traceId: hexIdSchema(16),
    spanId: hexIdSchema(8),
    eventName: stringSchema,
  })
  .transform((record) => new LogRecord(record));

const scopeLogsSchema = z
  .object({ scope: jsonScopeSchema, logRecords: repeated(logRecordSchema), schemaUrl: stringSchema })
  .transform((scopeLogs) => new ScopeLogs(scopeLogs));

const resourceLogsSchema = z
  .object({ resource: jsonResourceSchema, scopeLogs: repeated(scopeLogsSchema), schemaUrl: stringSchema })
  .transform((resourceLogs) => new ResourceLogs(resourceLogs));

export const otlpJsonLogsRequestSchema = z
  .object({ resourceLogs: repeated(resourceLogsSchema) })
  .transform((request) => new ExportLogsServiceRequest(request));
