import { ATTR_SERVICE_NAME, UNKNOWN_SERVICE } from '@vigil/contracts';
import type { Attributes, NormalizedLogRecord } from '@vigil/contracts';

/** One log record once its encoding is gone; resource and scope are added when flattening. */
export type LogRecordParts = Omit<NormalizedLogRecord, 'service' | 'resource' | 'scope'>;

export interface ScopeLogsParts {
  scope: NormalizedLogRecord['scope'];
  logRecords: LogRecordParts[];
}

/** The encoding-neutral shape both the protobuf and the JSON paths produce. */
export interface ResourceLogsParts {
  resource: Attributes;
  scopeLogs: ScopeLogsParts[];
}

function serviceOf(resource: Attributes): string {
  const name = resource[ATTR_SERVICE_NAME];
  return typeof name === 'string' && name.length > 0 ? name : UNKNOWN_SERVICE;
}

/**
 * resourceLogs → scopeLogs → logRecords, in request order. Records of one resource (scope)
 * share its `resource` (`scope`) object: treat the output as read-only.
 */
export function flattenResourceLogs(resourceLogs: readonly ResourceLogsParts[]): NormalizedLogRecord[] {
  const records: NormalizedLogRecord[] = [];
  for (const { resource, scopeLogs } of resourceLogs) {
    const service = serviceOf(resource);
    for (const { scope, logRecords } of scopeLogs) {
      for (const record of logRecords) {
        records.push({
          service,
          resource,
          scope,
          ...record,
          // The OTLP data model: an unknown event time (0) is replaced by the observed time.
          timeUnixNano: record.timeUnixNano === '0' ? record.observedTimeUnixNano : record.timeUnixNano,
        });
      }
    }
  }
  return records;
}
