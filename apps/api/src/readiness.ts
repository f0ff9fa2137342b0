export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

/** What /readyz asks: true only when migrations ran and consumers hold their partitions. */
export interface Readiness {
  report(): Promise<ReadinessReport>;
}
