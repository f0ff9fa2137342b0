import { opentelemetry } from './generated/otlp';
import { withErrorPath } from './lazy-path';
import { idBytesToHex } from './hex-id';
import type { LogRecordParts, ResourceLogsParts } from './log-records.flattener';
import { uint64ToDecimal } from './long-value';
import { OtlpDecodeError } from './otlp-decode.error';
import { protoAnyValueToJson, protoKeyValuesToAttributes } from './proto-any-value.mapper';
import type { RawLogsRequest } from './raw-request.decoder';

type RawLogRecord = opentelemetry.proto.logs.v1.LogRecord;

const { SEVERITY_NUMBER_UNSPECIFIED, SEVERITY_NUMBER_FATAL4 } = opentelemetry.proto.logs.v1.SeverityNumber;

function severityOf(record: RawLogRecord, path: string): number {
  const severity: number = record.severityNumber;
  // Proto3 enums are open, so the wire may carry any int32; the log data model defines 0-24 only.
  if (!Number.isInteger(severity) || severity < SEVERITY_NUMBER_UNSPECIFIED || severity > SEVERITY_NUMBER_FATAL4) {
    throw new OtlpDecodeError(
      'invalid_otlp',
      `${path}.severityNumber: expected ${SEVERITY_NUMBER_UNSPECIFIED}-${SEVERITY_NUMBER_FATAL4}, got ${severity}`,
    );
  }
  return severity;
}

function logRecordParts(record: RawLogRecord, path: string): LogRecordParts {
  return {
    timeUnixNano: uint64ToDecimal(record.timeUnixNano),
    observedTimeUnixNano: uint64ToDecimal(record.observedTimeUnixNano),
    severityNumber: severityOf(record, path),
    severityText: record.severityText,
    body: protoAnyValueToJson(record.body),
    attributes: protoKeyValuesToAttributes(record.attributes),
    traceId: idBytesToHex(record.traceId, 16, `${path}.traceId`),
    spanId: idBytesToHex(record.spanId, 8, `${path}.spanId`),
    // fixed32 is read unsigned; all 32 bits are kept (the low 8 are the W3C trace flags).
    flags: record.flags,
    eventName: record.eventName,
  };
}

/** A decoded protobuf request in the encoding-neutral shape; error paths use OTLP/JSON names. */
export function protoLogsToParts(request: RawLogsRequest): ResourceLogsParts[] {
  return request.resourceLogs.map((resourceLogs, r) => ({
    resource: protoKeyValuesToAttributes(resourceLogs.resource?.attributes ?? []),
    scopeLogs: resourceLogs.scopeLogs.map((scopeLogs, s) => ({
      scope: { name: scopeLogs.scope?.name ?? '', version: scopeLogs.scope?.version ?? '' },
      logRecords: scopeLogs.logRecords.map((record, l) =>
        withErrorPath(() => `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}]`, (path) => logRecordParts(record, path)),
      ),
    })),
  }));
}
