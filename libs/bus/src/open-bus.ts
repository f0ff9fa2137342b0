import { InProcessBus } from './in-process-bus';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus';
import type { MessageBus } from './message-bus';

export interface BusSettings {
  KAFKA_BROKERS?: readonly string[] | undefined;
  KAFKA_CLIENT_ID: string;
  KAFKA_SSL: boolean;
  KAFKA_SESSION_TIMEOUT_MS: number;
  KAFKA_HEARTBEAT_INTERVAL_MS: number;
  KAFKA_REBALANCE_TIMEOUT_MS?: number;
  VIGIL_INGEST_CONCURRENCY: number;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

/** Kafka when KAFKA_BROKERS is set, else the in-process bus. */
export function openBus(settings: BusSettings, extra: Pick<KafkaBusOptions, 'onLog'> = {}): MessageBus {
  if (!settings.KAFKA_BROKERS) return new InProcessBus();
  const options: KafkaBusOptions = {
    brokers: settings.KAFKA_BROKERS,
    clientId: settings.KAFKA_CLIENT_ID,
    ssl: settings.KAFKA_SSL,
    sessionTimeoutMs: settings.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: settings.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: settings.KAFKA_REBALANCE_TIMEOUT_MS,
    partitionsConcurrently: settings.VIGIL_INGEST_CONCURRENCY,
    ...extra,
  };
  if (settings.KAFKA_SASL_MECHANISM) {
    options.sasl = {
      mechanism: settings.KAFKA_SASL_MECHANISM,
      username: settings.KAFKA_SASL_USERNAME ?? '',
      password: settings.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return new KafkaBus(options);
}
