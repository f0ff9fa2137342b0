import { createApiIncidentDesk, PostmortemTemplates, startApi, type ApiServer } from '@vigil/api';
import { openBus, type MessageBus } from '@vigil/bus';
import type { VigilConfig } from '@vigil/config';
import { startDetect, type DetectWorker } from '@vigil/detect-worker';
import { startIngest, type IngestWorker } from '@vigil/ingest';
import { defaultActionCatalog } from '@vigil/actions';
import { RunbookLibrary, startResponder, storedTopology, type Responder } from '@vigil/responder';
import { readSlackSyncStatus, SlackSync, slackRoleResolver, type SlackActor } from '@vigil/slack';
import { generateApiToken, migrate, openDatabase, webhookOutbox, type Database } from '@vigil/store';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Who the Slack sync is when it drafts the postmortem it uploads (as the responder is for its own changes). */
const SLACK_SYNC_ACTOR: SlackActor = { slackUserId: 'vigil', name: 'vigil', role: 'responder' };

export interface Platform {
  readonly url: string;
  readonly registry: Registry;
  readonly db: Database;
  readonly bus: MessageBus;
  /** The bootstrap admin's bearer token: VIGIL_ADMIN_TOKEN, or the one generated for this run when it is unset. */
  readonly adminToken: string;
  /** Stop in order: stop accepting HTTP, stop consuming (in-flight batches finish and commit), close. */
  stop(): Promise<void>;
}

/**
 * Everything in one process: the API, the ingest and detect workers, the database (server or PGlite) and
 * the bus (Kafka or in-process). Production runs each app as its own Deployment instead.
 */
export async function startPlatform(config: VigilConfig, logger: Logger, options: { bus?: MessageBus } = {}): Promise<Platform> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
  const db = await openDatabase(config);
  logger.info({ driver: db.driver }, 'database open');
  let migrated = false;
  let ingest: IngestWorker | undefined;
  let detect: DetectWorker | undefined;
  let responder: Responder | undefined;
  let stopRequested = false;
  let ingestReady = false;
  let api: ApiServer | undefined;
  let slackSync: SlackSync | undefined;
  // Without a configured token, one for this run only (never stored): the API is never open, even on a laptop.
  const adminToken = config.VIGIL_ADMIN_TOKEN ?? generateApiToken();
  const bus = options.bus ?? openBus(config, { onLog: (level, message, extra) => logger[level](extra, message) });
  try {
    const applied = await migrate(db);
    migrated = true;
    logger.info({ applied }, 'migrations applied');
    const topics = [
      config.VIGIL_TOPIC_OTLP_LOGS,
      config.VIGIL_TOPIC_OTLP_METRICS,
      config.VIGIL_TOPIC_OTLP_SPANS,
      config.VIGIL_TOPIC_SIGNALS,
      config.VIGIL_TOPIC_ANOMALIES,
      config.VIGIL_TOPIC_DEAD_LETTER,
    ].map((name) => ({ name }));
    await bus.ensureTopics(topics).catch((error: unknown) => {
      // Operators often pre-create topics and deny CreateTopics; consuming still works then.
      logger.warn({ err: error, topics: topics.map((t) => t.name) }, 'could not create topics; expecting them to exist');
    });
    // Remediation actions as this deployment configures them (Kubernetes from VIGIL_KUBECONFIG or in-cluster).
    const actions = defaultActionCatalog({ env: process.env });
    const runbooks = new RunbookLibrary(config.VIGIL_RUNBOOKS_DIR, actions, 5000, config.VIGIL_RUNBOOKS_DRY_RUN);
    // One IncidentDesk for both halves of Slack: what the card shows, and what /incident and the buttons do.
    const desk = config.SLACK_BOT_TOKEN
      ? createApiIncidentDesk(db, { publicUrl: config.VIGIL_PUBLIC_URL, runbooks, postmortemTemplates: new PostmortemTemplates(config.VIGIL_POSTMORTEM_TEMPLATES) })
      : undefined;
    // Slack's request URL (POST /slack/events: /incident, the card's buttons, channel messages and pins).
    const slack =
      desk && config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET
        ? {
            desk,
            signingSecret: config.SLACK_SIGNING_SECRET,
            botToken: config.SLACK_BOT_TOKEN,
            apiUrl: config.SLACK_API_URL,
            roles: slackRoleResolver(config.SLACK_USER_ROLES, config.SLACK_DEFAULT_ROLE),
            publicUrl: config.VIGIL_PUBLIC_URL,
          }
        : undefined;
    if (!config.SLACK_BOT_TOKEN) logger.info('Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to run incidents in Slack');
    else if (!slack) logger.warn('Slack commands, buttons and channel capture are off (POST /slack/events is 404): set SLACK_SIGNING_SECRET');
    api = await startApi(
      {
        db,
        logger,
        registry,
        adminToken,
        postmortemTemplatesDir: config.VIGIL_POSTMORTEM_TEMPLATES,
        runbooks,
        otlpGateway: {
          bus,
          topics: { logs: config.VIGIL_TOPIC_OTLP_LOGS, metrics: config.VIGIL_TOPIC_OTLP_METRICS, traces: config.VIGIL_TOPIC_OTLP_SPANS },
          topicEncoding: config.VIGIL_OTLP_ENCODING,
          maxBytes: config.VIGIL_MAX_MESSAGE_BYTES,
        },
        // Inbound alert webhooks: alerts become anomaly events the responder correlates.
        alerts: { bus, topic: config.VIGIL_TOPIC_ANOMALIES, webhookSecret: config.VIGIL_WEBHOOK_SECRET, pagerDutyRoutingKey: config.VIGIL_PAGERDUTY_ROUTING_KEY },
        ...(slack ? { slack } : {}),
        slackStatus: config.SLACK_BOT_TOKEN ? () => (slackSync ? slackSync.status() : readSlackSyncStatus(db, true)) : null,
        readiness: {
          report: async () => {
            const checks = { migrations: migrated, database: await db.ping(), consumers: ingestReady };
            return { ready: Object.values(checks).every(Boolean), checks };
          },
        },
      },
      { host: config.HOST, port: config.PORT },
    );
    if (!config.VIGIL_ADMIN_TOKEN) {
      logger.warn(
        { url: api.url },
        `VIGIL_ADMIN_TOKEN is unset, so this run made an admin token: sign in with "Authorization: Bearer ${adminToken}" or open ${api.url}/#token=${adminToken} (set VIGIL_ADMIN_TOKEN to keep one across restarts)`,
      );
    }
    if (desk && config.SLACK_BOT_TOKEN) {
      slackSync = new SlackSync(db, {
        token: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL,
        minSeverity: config.SLACK_MIN_SEVERITY,
        responders: config.SLACK_RESPONDERS,
        // The API's IncidentDesk plugs in here: the incident as the card shows it, and the postmortem draft uploaded on resolve.
        incident: (id) => desk.get(id), postmortem: async (id) => (await desk.postmortem(id, SLACK_SYNC_ACTOR)).markdown,
        logger: logger.child({ app: 'slack' }),
        registry,
      });
      slackSync.start();
    }
    // Downstream first: ingest starts taking work only once detection is consuming, so the
    // pipeline is live end to end when the platform reports ready.
    responder = await startResponder({
      config,
      bus,
      db,
      registry,
      offsetNamespace: bus.namespace,
      logger: logger.child({ app: 'responder' }),
      topology: storedTopology(db),
      actions,
      runEvents: (tx, events) => webhookOutbox.enqueue(tx, events).then(() => undefined),
    });
    detect = await startDetect({ config, bus, db, registry, offsetNamespace: bus.namespace, logger: logger.child({ app: 'detect' }) });
    const detecting = detect;
    void detecting.ready
      .then(async () => {
        if (stopRequested) return;
        const worker = await startIngest({ config, bus, db, registry, offsetNamespace: bus.namespace, logger: logger.child({ app: 'ingest' }) });
        if (stopRequested) return worker.stop();
        ingest = worker;
        await worker.ready;
        ingestReady = !stopRequested;
        logger.info('consumers joined their groups');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'ingest workers failed to start'));
  } catch (error) {
    stopRequested = true;
    await api?.close().catch(() => undefined);
    await slackSync?.stop().catch(() => undefined);
    await detect?.stop().catch(() => undefined);
    await responder?.stop().catch(() => undefined);
    await bus.shutdown().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
  const started = { api, detect, responder, slackSync };
  let stopping: Promise<void> | undefined;
  return {
    url: started.api.url,
    registry,
    adminToken,
    db,
    bus,
    stop: () =>
      (stopping ??= (async () => {
        ingestReady = false;
        stopRequested = true;
        await started.api.close();
        await started.slackSync?.stop();
        await ingest?.stop();
        await started.detect.stop();
        await started.responder.stop();
        await bus.shutdown();
        await db.close();
        logger.info('stopped cleanly');
      })()),
  };
}
