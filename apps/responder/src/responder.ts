import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import { ServiceDependencyGraph, type ServiceCall } from '@vigil/incidents';
import type { Database, StoredIncident } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { IncidentBook } from './incident-book';
import { ResponderMetrics } from './responder.metrics';
import { ResponderProcessor } from './responder.processor';

export interface Responder {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export interface ResponderDependencies {
  config: VigilConfig;
  bus: MessageBus;
  db: Database;
  logger: Logger;
  registry: Registry;
  offsetNamespace: string;
  /** The learnt service dependency graph (trace-derived calls). */
  topology: () => Promise<ServiceCall[]>;
  onIncidents?: (incidents: StoredIncident[]) => void;
}

/** Consumes vigil.anomalies and keeps incidents: correlation, noise control, severity, timeline. */
export async function startResponder(deps: ResponderDependencies): Promise<Responder> {
  const { config, bus, db, logger } = deps;
  const book = new IncidentBook(new ServiceDependencyGraph(), {
    correlation: {
      joinWindowMinutes: config.VIGIL_INCIDENT_JOIN_WINDOW_MINUTES,
      maxHops: config.VIGIL_INCIDENT_MAX_HOPS,
      resolveAfterMinutes: config.VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES,
      cooldownMinutes: config.VIGIL_INCIDENT_COOLDOWN_MINUTES,
    },
    catalog: config.VIGIL_SERVICES,
  });
  const processor = new ResponderProcessor(db, book, new ResponderMetrics(deps.registry), {
    namespace: deps.offsetNamespace,
    consumerGroup: config.VIGIL_RESPONDER_GROUP,
    topology: deps.topology,
    topologyRefreshMs: config.VIGIL_TOPOLOGY_REFRESH_MS,
    ...(deps.onIncidents ? { onIncidents: deps.onIncidents } : {}),
  });
  const subscription: Subscription = await bus.subscribe({
    groupId: config.VIGIL_RESPONDER_GROUP,
    topics: [config.VIGIL_TOPIC_ANOMALIES],
    deadLetterTopic: config.VIGIL_TOPIC_DEAD_LETTER,
    handler: (batch, context) => processor.handle(batch, context),
    onError: (error, context) => {
      if (context.deadLettered) logger.warn({ err: error, ...context }, 'dead-lettered an anomaly event that cannot be processed');
      else logger.error({ err: error, ...context }, 'responder batch failed; retrying');
    },
  });
  return { ready: subscription.ready, stop: () => subscription.stop() };
}
