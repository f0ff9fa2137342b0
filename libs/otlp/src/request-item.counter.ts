import type { RawLogsRequest, RawMetricsRequest, RawTraceRequest } from './raw-request.decoder';

/*
 * What an OTLP partial-success response and the gateway's metrics count: log records, data
 * points and spans. Computed from the decoded request, without normalizing it.
 */

export function countLogRecords(request: RawLogsRequest): number {
  let count = 0;
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  return count;
}

export function countMetricDataPoints(request: RawMetricsRequest): number {
  let count = 0;
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        const data = metric.data === undefined ? undefined : metric[metric.data];
        count += data?.dataPoints.length ?? 0;
      }
    }
  }
  return count;
}

export function countSpans(request: RawTraceRequest): number {
  let count = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  }
  return count;
}
