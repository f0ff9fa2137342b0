import { InProcessBus, type BusMessage } from '@vigil/bus';
import type { SignalBatch } from '@vigil/contracts';
import { DetectMetrics, DetectProcessor } from '@vigil/detect-worker';
import { createTestDatabase, dropTestDatabase } from '@vigil/testing';
import { Registry } from 'prom-client';

export interface DetectPipelineResult {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  templates: number;
}

const LINES_PER_SIGNAL = 100;
const MESSAGES_PER_BATCH = 50;

/**
 * The detect worker's log path as it runs in production, minus Kafka: signal messages exactly as
 * ingest publishes them (JSON, one per service and source message) go through
 * LogIntelligenceProcessor in partition-sized batches, against a real PostgreSQL database —
 * parse, mine, judge, upsert templates and counts, checkpoint, advance offsets.
 */
export async function measureDetectPipeline(services: { service: string; lines: string[] }[]): Promise<DetectPipelineResult> {
  const database = await createTestDatabase();
  const bus = new InProcessBus(1);
  try {
    const messages: BusMessage[] = [];
    const t0 = Date.UTC(2026, 10, 24);
    let offset = 0;
    let lines = 0;
    // Interleave services as a shared partition would carry them.
    const longest = Math.max(...services.map((s) => s.lines.length));
    for (let from = 0; from < longest; from += LINES_PER_SIGNAL) {
      for (const { service, lines: all } of services) {
        const chunk = all.slice(from, from + LINES_PER_SIGNAL);
        if (chunk.length === 0) continue;
        lines += chunk.length;
        const signal: SignalBatch = {
          v: 1,
          kind: 'logs',
          service,
          source: { topic: 'otlp_logs', partition: 0, offset: String(offset) },
          items: chunk.map((body, i) => ({
            timeUnixNano: `${t0 + (from + i) * 20}000000`,
            severityNumber: 9,
            body,
            traceId: null,
            spanId: null,
          })),
        };
        messages.push({ topic: 'bench.signals', partition: 0, offset: String(offset++), key: Buffer.from(service), value: Buffer.from(JSON.stringify(signal)), headers: {}, timestamp: String(t0) });
      }
    }
    const processor = new DetectProcessor(database.db, bus, new DetectMetrics(new Registry()), {
      namespace: 'bench',
      consumerGroup: 'bench-detect',
      anomaliesTopic: 'bench.anomalies',
      logs: {},
      series: {},
    });
    const started = process.hrtime.bigint();
    for (let i = 0; i < messages.length; i += MESSAGES_PER_BATCH) {
      const batch = messages.slice(i, i + MESSAGES_PER_BATCH);
      await processor.handle(batch, { highWatermark: String(messages.length) });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rows } = await database.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_templates WHERE merged_into IS NULL');
    return { lines, seconds, linesPerSecond: lines / seconds, templates: Number(rows[0]?.n ?? 0) };
  } finally {
    await bus.shutdown();
    await dropTestDatabase(database);
  }
}
