import { z } from 'zod';

/**
 * What Vigil knows about a service beyond its telemetry: whether customers see it, and its
 * service-level objectives. Severity is judged against these; a service not listed is internal
 * and has no SLOs.
 */
export const serviceProfileSchema = z.object({
  customerFacing: z.boolean().default(false),
  slo: z
    .object({
      /** Largest acceptable share of failed requests, 0..1 (0.01 = 1%). */
      errorRatio: z.number().min(0).max(1).optional(),
      /** Largest acceptable p95 latency in milliseconds. */
      latencyP95Ms: z.number().positive().optional(),
    })
    .strict()
    .default({}),
}).strict();
export const serviceCatalogSchema = z.record(z.string().min(1), serviceProfileSchema);

export type ServiceProfile = z.output<typeof serviceProfileSchema>;
export type ServiceCatalog = z.output<typeof serviceCatalogSchema>;

const INTERNAL: ServiceProfile = Object.freeze({ customerFacing: false, slo: {} });
export const profileOf = (catalog: ServiceCatalog, service: string): ServiceProfile => catalog[service] ?? INTERNAL;
