import type { MessageBus, Subscription } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import { ServiceDependencyGraph, type ServiceCall } from '@vigil/incidents';
import type { Database, StoredIncident } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { IncidentBook } from './incident-book';
import { ResponderMetrics } from './responder.metrics';
import { ResponderProcessor } from './responder.processor';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { ActionCatalog } from '@vigil/actions';
import { incidentNoteAction, incidentUpdateAction } from './runbooks/incident-actions';
import { RunExecutor } from './runbooks/run-executor';
import { RunbookLibrary } from './runbooks/runbook-library';
import { RunScheduler } from './runbooks/run-scheduler';
import type { RunEventSink } from './runbooks/run-notifier';

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
  /** Remediation actions runbooks may use; without it no runbook runs in this process. */
  actions?: ActionCatalog;
  /** Run events to outbound webhooks (written in the run's transactions). */
  runEvents?: RunEventSink;
  /** Send outbound webhooks from this process (default true); any number of processes may. */
  dispatchWebhooks?: boolean;
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
  const runbooksOn = config.VIGIL_RUNBOOKS_ENABLED && deps.actions !== undefined;
  // The deployment's actions plus the ones only the responder can offer (they write incidents).
  const actions = deps.actions ? withIncidentActions(deps.actions, db) : undefined;
  const executor =
    runbooksOn && actions
      ? new RunExecutor(db, actions, logger.child({ component: 'runbooks' }), {
          leaseMs: config.VIGIL_RUNBOOK_LEASE_MS,
          pollMs: config.VIGIL_RUNBOOK_POLL_MS,
          verifyPollMs: config.VIGIL_RUNBOOK_VERIFY_POLL_MS,
          ...(deps.runEvents ? { events: deps.runEvents } : {}),
        })
      : null;
  const scheduler =
    runbooksOn && actions
      ? new RunScheduler(new RunbookLibrary(config.VIGIL_RUNBOOKS_DIR, actions), {
          dryRun: config.VIGIL_RUNBOOKS_DRY_RUN,
          ...(deps.runEvents ? { events: deps.runEvents } : {}),
          onScheduled: () => setImmediate(() => executor?.nudge()),
        })
      : null;
  if (!runbooksOn) logger.info(config.VIGIL_RUNBOOKS_ENABLED ? 'no remediation actions configured: runbooks are off in this process' : 'runbooks are off (VIGIL_RUNBOOKS_ENABLED=false)');
  const processor = new ResponderProcessor(db, book, new ResponderMetrics(deps.registry), {
    namespace: deps.offsetNamespace,
    consumerGroup: config.VIGIL_RESPONDER_GROUP,
    topology: deps.topology,
    topologyRefreshMs: config.VIGIL_TOPOLOGY_REFRESH_MS,
    ...(scheduler ? { scheduler } : {}),
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
  const webhooks =
    deps.dispatchWebhooks === false
      ? null
      : new WebhookDispatcher(db, {
          maxAttempts: config.VIGIL_WEBHOOK_MAX_ATTEMPTS,
          backoff: { baseMs: config.VIGIL_WEBHOOK_BACKOFF_BASE_MS, capMs: config.VIGIL_WEBHOOK_BACKOFF_CAP_MS },
          timeoutMs: config.VIGIL_WEBHOOK_TIMEOUT_MS,
          pollIntervalMs: config.VIGIL_WEBHOOK_POLL_MS,
          logger: logger.child({ component: 'webhooks' }),
          registry: deps.registry,
        });
  webhooks?.start();
  executor?.start();
  const idleMs = config.VIGIL_INCIDENT_IDLE_MS;
  const ticker = setInterval(() => {
    processor.tick({ idleMs, liveWithinMs: 3_600_000 }).catch((error: unknown) => logger.warn({ err: error }, 'idle watermark tick failed; will try again'));
  }, Math.max(250, Math.min(15_000, Math.floor(idleMs / 2))));
  ticker.unref();
  return {
    ready: subscription.ready,
    stop: async () => {
      clearInterval(ticker);
      await Promise.all([subscription.stop(), webhooks?.stop(), executor?.stop()]);
    },
  };
}

function withIncidentActions(base: ActionCatalog, db: Database): ActionCatalog {
  const catalog = new ActionCatalog();
  for (const type of base.types()) if (type !== 'incident.note' && type !== 'incident.update') catalog.add(base.get(type) as NonNullable<ReturnType<ActionCatalog['get']>>);
  catalog.add(incidentNoteAction(db));
  catalog.add(incidentUpdateAction(db));
  return catalog;
}
