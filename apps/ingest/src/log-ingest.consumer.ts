import type { MessageBus, Subscription } from '@vigil/bus';
import type { Logger } from 'pino';
import type { LogIngestService } from './log-ingest.service';

export interface LogIngestConsumerOptions {
  topic: string;
  groupId: string;
  deadLetterTopic: string;
}

/** The Kafka entry point for logs, like a controller: wiring and logging, no logic. */
export async function consumeLogs(
  bus: MessageBus,
  service: LogIngestService,
  options: LogIngestConsumerOptions,
  logger: Logger,
): Promise<Subscription> {
  return bus.subscribe({
    groupId: options.groupId,
    topics: [options.topic],
    deadLetterTopic: options.deadLetterTopic,
    handler: async (batch) => {
      const result = await service.ingest(batch);
      logger.debug(result, 'ingested log batch');
    },
    onError: (error, context) => {
      const log = context.deadLettered ? logger.warn.bind(logger) : logger.error.bind(logger);
      log({ err: error, ...context }, context.deadLettered ? 'dead-lettered a poison log message' : 'log batch failed');
    },
  });
}
