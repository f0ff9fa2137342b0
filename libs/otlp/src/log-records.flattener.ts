import type { Attributes, NormalizedLogRecord } from '@vigil/contracts';
import { serviceOf } from './resource-origin';

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
