import type { Queryable } from '@vigil/store';
import { otlpLogsRequest, otlpMetricsRequest, otlpTracesRequest } from '@vigil/testing';

/**
 * A stream of real OTLP messages for one test, with what the rollups must show once every
 * message has been applied exactly once.
 */
export interface Workload {
  service: string;
  logs: Buffer[];
  spans: Buffer[];
  metrics: Buffer[];
  expected: { logRecords: number; errorLogs: number; spans: number; spanErrors: number; counterTotal: number };
}

export async function makeWorkload(service: string, messages: number, perMessage = 20): Promise<Workload> {
  const logs: Buffer[] = [];
  const spans: Buffer[] = [];
  const metrics: Buffer[] = [];
  let errorLogs = 0;
  let spanErrors = 0;
  let counterTotal = 0;
  const now = Date.now();
  for (let m = 0; m < messages; m++) {
    logs.push(
      otlpLogsRequest(
        Array.from({ length: perMessage }, (_, i) => {
          const error = (m * perMessage + i) % 10 === 0;
          if (error) errorLogs++;
          return {
            service,
            body: error ? `charge ${m}-${i} failed: card declined` : `charge ${m}-${i} ok`,
            severityNumber: error ? 17 : 9,
            severityText: error ? 'ERROR' : 'INFO',
            timeMs: now - 1000 + i,
          };
        }),
      ),
    );
    spans.push(
      otlpTracesRequest(
        Array.from({ length: perMessage }, (_, i) => {
          const error = i % 7 === 0;
          if (error) spanErrors++;
          return { service, name: i % 2 ? 'POST /charge' : 'GET /balance', durationMs: 5 + i, error, endMs: now };
        }),
      ),
    );
    const amounts = [m + 1, 2];
    counterTotal += amounts.reduce((a, b) => a + b, 0);
    metrics.push(await otlpMetricsRequest({ service, counters: { 'payments.charged': amounts }, histograms: { 'payments.latency': [12, 80] } }));
  }
  return { service, logs, spans, metrics, expected: { logRecords: messages * perMessage, errorLogs, spans: messages * perMessage, spanErrors, counterTotal } };
}

export interface RollupTotals {
  logRecords: number;
  errorLogs: number;
  spans: number;
  spanErrors: number;
  counterTotal: number;
}

export async function rollupTotals(db: Queryable, service: string): Promise<RollupTotals> {
  const one = async (sql: string): Promise<number> => Number((await db.query<{ n: string | null }>(sql, [service])).rows[0]?.n ?? 0);
  return {
    logRecords: await one('SELECT sum(count)::text AS n FROM log_counts_1m WHERE service = $1'),
    errorLogs: await one("SELECT sum(count)::text AS n FROM log_counts_1m WHERE service = $1 AND severity = 'error'"),
    spans: await one('SELECT sum(requests)::text AS n FROM span_red_1m WHERE service = $1'),
    spanErrors: await one('SELECT sum(errors)::text AS n FROM span_red_1m WHERE service = $1'),
    counterTotal: await one(
      `SELECT sum(r.value_sum)::text AS n FROM metric_rollups_1m r JOIN metric_series s USING (series_key)
       WHERE s.service = $1 AND s.name = 'payments.charged'`,
    ),
  };
}

export interface IngestTopics {
  logs: string;
  metrics: string;
  spans: string;
  signals: string;
  dlq: string;
}

/**
 * The variables that point an ingest worker at a suite's own broker, topics and database.
 * Short group timings: the mock cluster's rebalances last about the session timeout.
 */
export function ingestEnv(options: { databaseUrl: string; brokers: string[]; topics: IngestTopics; group: string }): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.brokers.join(','),
    KAFKA_SESSION_TIMEOUT_MS: '3000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    KAFKA_REBALANCE_TIMEOUT_MS: '10000',
    VIGIL_TOPIC_OTLP_LOGS: options.topics.logs,
    VIGIL_TOPIC_OTLP_METRICS: options.topics.metrics,
    VIGIL_TOPIC_OTLP_SPANS: options.topics.spans,
    VIGIL_TOPIC_SIGNALS: options.topics.signals,
    VIGIL_TOPIC_DEAD_LETTER: options.topics.dlq,
    VIGIL_INGEST_GROUP: options.group,
  };
}
