import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import { consumeLogs } from './log-ingest.consumer';
import { LogIngestService } from './log-ingest.service';

export interface IngestWorker {
  /** Resolves once every consumer has joined its group. */
  readonly ready: Promise<void>;
  /** Stops consuming, lets in-flight batches finish and commit. */
  stop(): Promise<void>;
}

export async function startIngest(deps: { config: VigilConfig; bus: MessageBus; db: Database; logger: Logger }): Promise<IngestWorker> {
  const { config, bus, db, logger } = deps;
  const service = new LogIngestService(db, config.VIGIL_OTLP_ENCODING, config.VIGIL_MAX_MESSAGE_BYTES);
  const subscriptions: Subscription[] = [
    await consumeLogs(
      bus,
      service,
      { topic: config.VIGIL_TOPIC_OTLP_LOGS, groupId: config.VIGIL_INGEST_GROUP, deadLetterTopic: config.VIGIL_TOPIC_DEAD_LETTER },
      logger.child({ consumer: 'logs' }),
    ),
  ];
  return {
    ready: Promise.all(subscriptions.map((s) => s.ready)).then(() => undefined),
    stop: async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
    },
  };
}
