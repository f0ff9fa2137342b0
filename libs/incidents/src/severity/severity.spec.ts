import { assessSeverity, worseOf } from './severity';
import { serviceCatalogSchema } from './service-catalog';

const catalog = serviceCatalogSchema.parse({
  gateway: { customerFacing: true, slo: { errorRatio: 0.01, latencyP95Ms: 500 } },
  ledger: { slo: { latencyP95Ms: 200 } },
});

describe('assessSeverity', () => {
  it('is sev1 when a customer-facing service breaches its SLO twice over', () => {
    const a = assessSeverity([{ service: 'gateway', signal: 'span:SERVER:POST /pay#errors', peak: 0.05 }], catalog);
    expect(a).toMatchObject({ severity: 'sev1', customerFacing: true });
    expect(a.reason).toContain('error ratio 5% > SLO 1%');
  });

  it('is sev2 for a small customer-facing breach, sev1 once it spreads to three services', () => {
    const breach = { service: 'gateway', signal: 'span:SERVER:GET /#p95', peak: 600 };
    expect(assessSeverity([breach], catalog).severity).toBe('sev2');
    const wide = [breach, { service: 'payments', signal: 'x', peak: 1 }, { service: 'ledger', signal: 'y', peak: 1 }];
    expect(assessSeverity(wide, catalog).severity).toBe('sev1');
  });

  it('ranks internal breaches and plain anomalies lower', () => {
    expect(assessSeverity([{ service: 'ledger', signal: 'span:SERVER:q#p95', peak: 900 }], catalog).severity).toBe('sev3');
    expect(assessSeverity([{ service: 'gateway', signal: 'span:SERVER:GET /#p95', peak: 100 }], catalog).severity).toBe('sev3');
    expect(assessSeverity([{ service: 'fraud-check', signal: 'cpu', peak: 0.9 }], catalog)).toMatchObject({ severity: 'sev4', customerFacing: false });
  });

  it('rejects a catalog with unknown fields', () => {
    expect(serviceCatalogSchema.safeParse({ gateway: { slo: { errorRate: 0.1 } } }).success).toBe(false);
  });

  it('orders severities', () => {
    expect(worseOf('sev3', 'sev1')).toBe('sev1');
    expect(worseOf('sev2', 'sev4')).toBe('sev2');
  });
});
