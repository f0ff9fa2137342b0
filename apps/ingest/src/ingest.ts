import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import { SpanCallLinker } from '@vigil/incidents';
import { SensitiveDataRedactor } from '@vigil/redact';
import { EvidenceSampler } from '@vigil/rollup';
import { RetentionRepository, type Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { IngestMetrics } from './ingest.metrics';
import { LogsPipeline } from './logs.pipeline';
import { MetricsPipeline } from './metrics.pipeline';
import { OtlpIngestProcessor } from './otlp-ingest.processor';
import type { SignalPipeline, TopicProcessor } from './signal-pipeline';
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
  const signalsTopic = config.VIGIL_PUBLISH_SIGNALS ? config.VIGIL_TOPIC_SIGNALS : null;
  const options = { namespace: deps.offsetNamespace, consumerGroup: config.VIGIL_INGEST_GROUP, signalsTopic };
  // Each processor keeps its pipeline's record types; the table only needs what they share.
  const processorFor = <R, A>(pipeline: SignalPipeline<R, A>): TopicProcessor => new OtlpIngestProcessor(pipeline, db, bus, metrics, options);
  const processors = new Map<string, TopicProcessor>([
    [config.VIGIL_TOPIC_OTLP_LOGS, processorFor(new LogsPipeline(encoding, maxBytes, sampler, new SensitiveDataRedactor({ patterns: config.VIGIL_REDACT_PATTERNS })))],
    [config.VIGIL_TOPIC_OTLP_METRICS, processorFor(new MetricsPipeline(encoding, maxBytes))],
    // One span call linker per process: a callee's and its caller's spans arrive in different
    // messages, often on different partitions. Its memory is a cache: a restart loses only the calls
    // whose other half was seen before it, and halves consumed by other processes are not linked
    // (docs/architecture.md: partition traces by id).
    [config.VIGIL_TOPIC_OTLP_SPANS, processorFor(new TracesPipeline(encoding, maxBytes, sampler, new SpanCallLinker()))],
  ]);
  const signalOf = (topic: string): string => processors.get(topic)?.signal ?? 'unknown';
  // One consumer per worker over all three topics: kafkajs assigns every topic of a group to
  // every member, so members subscribed to different topics would be handed each other's partitions.
  const subscriptions: Subscription[] = [];
  for (let i = 0; i < config.VIGIL_INGEST_WORKERS; i++) {
    subscriptions.push(
      await bus.subscribe({
        groupId: config.VIGIL_INGEST_GROUP,
        topics: [...processors.keys()],
        deadLetterTopic: config.VIGIL_TOPIC_DEAD_LETTER,
        handler: async (batch, context) => {
          const topic = batch[0]?.topic ?? '';
          const processor = processors.get(topic);
          if (!processor) throw Object.assign(new Error(`no ingest pipeline for topic ${topic}`), { retriable: false, code: 'unknown_topic' });
          await processor.handle(batch, context);
        },
        onError: (error, context) => {
          const signal = signalOf(context.topic);
          if (context.deadLettered) {
            metrics.messages.inc({ signal, outcome: 'dead_lettered' });
            logger.warn({ err: error, signal, ...context }, 'dead-lettered a message that cannot be ingested');
          } else {
            logger.error({ err: error, signal, ...context }, 'ingest batch failed; retrying');
          }
        },
      }),
    );
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
