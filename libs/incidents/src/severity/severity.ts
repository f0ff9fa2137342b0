import { profileOf, type ServiceCatalog } from './service-catalog';

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
/** `sev1` is the worst. */
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
/** The worse of two severities. */
export const worseOf = (a: Severity, b: Severity): Severity => (severityRank(a) <= severityRank(b) ? a : b);

/** What severity looks at from each member signal. */
export interface ImpactSignal {
  service: string;
  signal: string;
  /** The worst value seen (error ratio 0..1, latency in ms). */
  peak: number | null;
}

export interface SeverityAssessment {
  severity: Severity;
  /** Why, in one line a responder reads on the card. */
  reason: string;
  customerFacing: boolean;
}

interface Breach {
  service: string;
  what: string;
  /** How many times the objective the observed value is. */
  factor: number;
}

/** Span RED series end in `#errors` (error ratio) and `#p95` (latency ms); see the series watch. */
function breachOf(catalog: ServiceCatalog, s: ImpactSignal): Breach | null {
  const { slo } = profileOf(catalog, s.service);
  if (s.peak === null || !Number.isFinite(s.peak)) return null;
  if (s.signal.endsWith('#errors') && slo.errorRatio !== undefined && s.peak > slo.errorRatio) {
    return { service: s.service, what: `error ratio ${pct(s.peak)} > SLO ${pct(slo.errorRatio)}`, factor: slo.errorRatio === 0 ? Infinity : s.peak / slo.errorRatio };
  }
  if (s.signal.endsWith('#p95') && slo.latencyP95Ms !== undefined && s.peak > slo.latencyP95Ms) {
    return { service: s.service, what: `p95 ${Math.round(s.peak)} ms > SLO ${slo.latencyP95Ms} ms`, factor: s.peak / slo.latencyP95Ms };
  }
  return null;
}

const pct = (v: number): string => `${Number((v * 100).toPrecision(3))}%`;

/**
 * Severity from impact, not from how surprising the numbers are:
 * - sev1: a customer-facing service breaches an SLO at least twice over, or breaches one while
 *   three or more services are affected;
 * - sev2: a customer-facing service breaches an SLO, or an internal one does across 3+ services;
 * - sev3: an internal SLO breach, or customers' services are anomalous (no breach yet), or 3+
 *   services are affected;
 * - sev4: anything else (one internal service behaving unusually).
 */
export function assessSeverity(signals: readonly ImpactSignal[], catalog: ServiceCatalog): SeverityAssessment {
  const services = [...new Set(signals.map((s) => s.service))];
  const customerFacing = services.filter((s) => profileOf(catalog, s).customerFacing);
  const breaches = signals.map((s) => breachOf(catalog, s)).filter((b): b is Breach => b !== null);
  breaches.sort((a, b) => b.factor - a.factor);
  const facingBreaches = breaches.filter((b) => profileOf(catalog, b.service).customerFacing);
  const wide = services.length >= 3;
  const scope = `${services.length} service${services.length === 1 ? '' : 's'} affected`;
  const worst = facingBreaches[0];
  if (worst && (worst.factor >= 2 || wide)) {
    return { severity: 'sev1', reason: `${worst.service} (customer-facing) ${worst.what}; ${scope}`, customerFacing: true };
  }
  if (worst) return { severity: 'sev2', reason: `${worst.service} (customer-facing) ${worst.what}; ${scope}`, customerFacing: true };
  const internal = breaches[0];
  if (internal && wide) return { severity: 'sev2', reason: `${internal.service} ${internal.what}; ${scope}`, customerFacing: customerFacing.length > 0 };
  if (internal) return { severity: 'sev3', reason: `${internal.service} ${internal.what}`, customerFacing: customerFacing.length > 0 };
  if (customerFacing.length > 0) return { severity: 'sev3', reason: `customer-facing ${customerFacing.join(', ')} anomalous, no SLO breached; ${scope}`, customerFacing: true };
  if (wide) return { severity: 'sev3', reason: `${scope}, no SLO breached`, customerFacing: false };
  return { severity: 'sev4', reason: `${scope}, internal, no SLO breached`, customerFacing: false };
}
