import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DetectMetrics } from './detect.metrics';
import { DetectProcessor } from './detect.processor';

export interface DetectWorker {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export interface DetectDependencies {
  config: VigilConfig;
  bus: MessageBus;
  db: Database;
  logger: Logger;
  registry: Registry;
  offsetNamespace: string;
}

/** Consumes vigil.signals: template mining and log anomalies, streaming detectors on metrics and span RED. */
export async function startDetect(deps: DetectDependencies): Promise<DetectWorker> {
  const { config, bus, db, logger } = deps;
  const metrics = new DetectMetrics(deps.registry);
  const processor = new DetectProcessor(db, bus, metrics, {
    namespace: deps.offsetNamespace,
    consumerGroup: config.VIGIL_DETECT_GROUP,
    anomaliesTopic: config.VIGIL_TOPIC_ANOMALIES,
    logs: { warmupMinutes: config.VIGIL_LOG_WARMUP_MINUTES },
    series: {},
  });
  const subscription: Subscription = await bus.subscribe({
    groupId: config.VIGIL_DETECT_GROUP,
    topics: [config.VIGIL_TOPIC_SIGNALS],
    deadLetterTopic: config.VIGIL_TOPIC_DEAD_LETTER,
    handler: (batch, context) => processor.handle(batch, context),
    onError: (error, context) => {
      if (context.deadLettered) logger.warn({ err: error, ...context }, 'dead-lettered a signal that cannot be processed');
      else logger.error({ err: error, ...context }, 'detect batch failed; retrying');
    },
  });
  return { ready: subscription.ready, stop: () => subscription.stop() };
}
