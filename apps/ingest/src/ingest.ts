import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import { EvidenceSampler } from '@vigil/rollup';
import { RetentionRepository, type Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { IngestMetrics } from './ingest.metrics';
import { LogsPipeline } from './logs.pipeline';
import { MetricsPipeline } from './metrics.pipeline';
import { OtlpIngestProcessor } from './otlp-ingest.processor';
import type { SignalPipeline } from './signal-pipeline';
import { TracesPipeline } from './traces.pipeline';

export interface IngestWorker {
  /** Resolves once every consumer has joined its group. */
  readonly ready: Promise<void>;
  /** Stops consuming, lets in-flight batches finish and commit. */
  stop(): Promise<void>;
}

export interface IngestDependencies {
  config: VigilConfig;
  bus: MessageBus;
  db: Database;
  logger: Logger;
  registry: Registry;
  /** Identifies the bus instance for exactly-once offsets (see ingest_offsets). */
  offsetNamespace: string;
}

const RETENTION_EVERY_MS = 10 * 60 * 1000;

export async function startIngest(deps: IngestDependencies): Promise<IngestWorker> {
  const { config, bus, db, logger } = deps;
  const metrics = new IngestMetrics(deps.registry);
  const sampler = new EvidenceSampler(config.VIGIL_EVIDENCE_PER_MINUTE, config.VIGIL_EVIDENCE_PROBLEMS_PER_MINUTE);
  const encoding = config.VIGIL_OTLP_ENCODING;
  const maxBytes = config.VIGIL_MAX_MESSAGE_BYTES;
  const routes: [string, SignalPipeline<never, unknown>][] = [
    [config.VIGIL_TOPIC_OTLP_LOGS, new LogsPipeline(encoding, maxBytes, sampler) as unknown as SignalPipeline<never, unknown>],
    [config.VIGIL_TOPIC_OTLP_METRICS, new MetricsPipeline(encoding, maxBytes) as unknown as SignalPipeline<never, unknown>],
    [config.VIGIL_TOPIC_OTLP_SPANS, new TracesPipeline(encoding, maxBytes, sampler) as unknown as SignalPipeline<never, unknown>],
  ];
  const subscriptions: Subscription[] = [];
  for (const [topic, pipeline] of routes) {
    const processor = new OtlpIngestProcessor(pipeline, db, bus, metrics, {
      namespace: deps.offsetNamespace,
      consumerGroup: config.VIGIL_INGEST_GROUP,
      signalsTopic: config.VIGIL_PUBLISH_SIGNALS ? config.VIGIL_TOPIC_SIGNALS : null,
    });
    const log = logger.child({ signal: pipeline.signal, topic });
    for (let i = 0; i < config.VIGIL_INGEST_WORKERS; i++) {
      subscriptions.push(
        await bus.subscribe({
          groupId: config.VIGIL_INGEST_GROUP,
          topics: [topic],
          deadLetterTopic: config.VIGIL_TOPIC_DEAD_LETTER,
          handler: (batch, context) => processor.handle(batch, context),
          onError: (error, context) => {
            if (context.deadLettered) {
              metrics.messages.inc({ signal: pipeline.signal, outcome: 'dead_lettered' });
              log.warn({ err: error, ...context }, 'dead-lettered a message that cannot be ingested');
            } else {
              log.error({ err: error, ...context }, 'ingest batch failed; retrying');
            }
          },
        }),
      );
    }
  }
  const retention = setInterval(() => {
    new RetentionRepository(db)
      .enforce({ rollupDays: config.VIGIL_RETENTION_ROLLUP_DAYS, evidenceDays: config.VIGIL_RETENTION_EVIDENCE_DAYS })
      .then((deleted) => logger.info({ deleted }, 'retention enforced'))
      .catch((error: unknown) => logger.warn({ err: error }, 'retention failed; will retry'));
  }, RETENTION_EVERY_MS);
  retention.unref();
  return {
    ready: Promise.all(subscriptions.map((s) => s.ready)).then(() => undefined),
    stop: async () => {
      clearInterval(retention);
      await Promise.all(subscriptions.map((s) => s.stop()));
    },
  };
}
