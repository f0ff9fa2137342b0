import { otlpLogsRequest, otlpMetricsRequest, otlpTracesRequest, type LogFixture } from '@vigil/testing';

/** What a small payments platform emits: a handful of services, mostly INFO, some trouble. */
const SERVICES = ['gateway', 'payments', 'ledger', 'fraud-check', 'notifications'];
const OPERATIONS = ['POST /v1/charges', 'GET /v1/balance', 'POST /v1/refunds', 'ledger.post', 'fraud.score'];

function logLine(service: string, n: number): LogFixture {
  const roll = n % 100;
  const amount = ((n * 7919) % 100000) / 100;
  const id = (n * 2654435761 >>> 0).toString(16).padStart(8, '0');
  if (roll < 2) {
    return { service, severityNumber: 17, severityText: 'ERROR', body: `charge ch_${id} failed: issuer timeout after ${1000 + (n % 4000)} ms (attempt ${1 + (n % 3)})`, attributes: { 'payment.id': `ch_${id}`, 'http.status_code': 504 } };
  }
  if (roll < 8) {
    return { service, severityNumber: 13, severityText: 'WARN', body: `slow query on ledger_entries took ${200 + (n % 800)} ms (rows=${n % 5000})`, attributes: { 'db.system': 'postgresql' } };
  }
  return {
    service,
    severityNumber: 9,
    severityText: 'INFO',
    body: `charge ch_${id} captured ${amount.toFixed(2)} EUR for merchant m_${n % 977} in ${3 + (n % 40)} ms`,
    attributes: { 'payment.id': `ch_${id}`, 'merchant.id': `m_${n % 977}`, 'http.route': '/v1/charges', 'http.status_code': 200 },
    traceId: id.repeat(4),
    spanId: id.repeat(2),
  };
}

export interface IngestWorkload {
  logs: Buffer[];
  spans: Buffer[];
  metrics: Buffer[];
  recordsPerMessage: { logs: number; spans: number; metrics: number };
}

/**
 * `distinct` different export requests per signal, serialized by the OpenTelemetry SDK; the
 * benchmark cycles through them. Sizes are those a Collector batch processor typically sends.
 */
export async function buildWorkload(distinct: number, logsPerMessage = 500, spansPerMessage = 200): Promise<IngestWorkload> {
  const logs: Buffer[] = [];
  const spans: Buffer[] = [];
  const metrics: Buffer[] = [];
  let metricPoints = 0;
  const now = Date.now();
  for (let m = 0; m < distinct; m++) {
    const service = SERVICES[m % SERVICES.length] as string;
    logs.push(otlpLogsRequest(Array.from({ length: logsPerMessage }, (_, i) => ({ ...logLine(service, m * logsPerMessage + i), timeMs: now - 60000 + i }))));
    spans.push(
      otlpTracesRequest(
        Array.from({ length: spansPerMessage }, (_, i) => ({
          service,
          name: OPERATIONS[i % OPERATIONS.length] as string,
          durationMs: 2 + ((i * 37) % 300),
          error: i % 50 === 0,
          endMs: now - 30000 + i,
        })),
      ),
    );
    const request = await otlpMetricsRequest({
      service,
      counters: { 'payments.charges': [1, 2, 3], 'payments.refunds': [1], 'http.server.requests': [10, 20] },
      histograms: { 'http.server.duration': [12, 40, 80, 120, 300], 'db.query.duration': [3, 5, 80] },
      gauges: { 'process.memory.rss': 200_000_000 + m, 'kafka.consumer.lag': m % 50 },
      attributes: { 'http.route': OPERATIONS[m % OPERATIONS.length] as string, region: `eu-${m % 3}` },
    });
    metrics.push(request);
    metricPoints = 7;
  }
  return { logs, spans, metrics, recordsPerMessage: { logs: logsPerMessage, spans: spansPerMessage, metrics: metricPoints } };
}
