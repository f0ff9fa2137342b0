export const SEVERITY_BUCKETS = ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type SeverityBucket = (typeof SEVERITY_BUCKETS)[number];

/** OTel severity numbers come in ranges of four (TRACE 1-4 … FATAL 21-24). */
export function severityBucket(severityNumber: number): SeverityBucket {
  if (severityNumber <= 0 || severityNumber > 24) return 'unspecified';
  return SEVERITY_BUCKETS[Math.ceil(severityNumber / 4)] as SeverityBucket;
}

export function isProblemSeverity(bucket: SeverityBucket): boolean {
  return bucket === 'warn' || bucket === 'error' || bucket === 'fatal';
}
