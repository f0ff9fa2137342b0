import { z } from 'zod';
import { opentelemetry } from './generated/otlp';
import {
  jsonAttributesSchema,
  jsonResourceSchema,
  jsonScopeSchema,
  optionalMessage,
  repeated,
} from './otlp-json-common.schema';
import { enumSchema, hexIdSchema, stringSchema, uint32Schema, uint64Schema } from './otlp-json-scalars.schema';

/*
 * OTLP/JSON ExportTraceServiceRequest, validated and converted in one pass into the generated
 * protobuf classes (see otlp-json-common.schema.ts).
 */

const v1 = opentelemetry.proto.trace.v1;
const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;

const eventSchema = z
  .object({
    timeUnixNano: uint64Schema,
    name: stringSchema,
    attributes: jsonAttributesSchema,
    droppedAttributesCount: uint32Schema,
  })
  .transform((event) => new v1.Span.Event(event));

const linkSchema = z
  .object({
    traceId: hexIdSchema(16),
    spanId: hexIdSchema(8),
    traceState: stringSchema,
    attributes: jsonAttributesSchema,
    droppedAttributesCount: uint32Schema,
    flags: uint32Schema,
  })
  .transform((link) => new v1.Span.Link(link));

const statusSchema = optionalMessage(
  z
    .object({ message: stringSchema, code: enumSchema(v1.Status.StatusCode, 'a status code (0-2)') })
    .transform((status) => new v1.Status(status)),
);

const spanSchema = z
  .object({
    traceId: hexIdSchema(16),
    spanId: hexIdSchema(8),
    traceState: stringSchema,
    parentSpanId: hexIdSchema(8),
    flags: uint32Schema,
    name: stringSchema,
    kind: enumSchema(v1.Span.SpanKind, 'a span kind (0-5)'),
    startTimeUnixNano: uint64Schema,
    endTimeUnixNano: uint64Schema,
    attributes: jsonAttributesSchema,
    droppedAttributesCount: uint32Schema,
    events: repeated(eventSchema),
    droppedEventsCount: uint32Schema,
    links: repeated(linkSchema),
    droppedLinksCount: uint32Schema,
    status: statusSchema,
  })
  .transform((span) => new v1.Span(span));

const scopeSpansSchema = z
  .object({ scope: jsonScopeSchema, spans: repeated(spanSchema), schemaUrl: stringSchema })
  .transform((scopeSpans) => new v1.ScopeSpans(scopeSpans));

const resourceSpansSchema = z
  .object({ resource: jsonResourceSchema, scopeSpans: repeated(scopeSpansSchema), schemaUrl: stringSchema })
  .transform((resourceSpans) => new v1.ResourceSpans(resourceSpans));

export const otlpJsonTracesRequestSchema = z
  .object({ resourceSpans: repeated(resourceSpansSchema) })
  .transform((request) => new ExportTraceServiceRequest(request));
