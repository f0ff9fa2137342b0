import { serviceCatalogSchema } from '@vigil/incidents';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number({ message: 'expected a number' }).int('expected a whole number').positive('expected a number above 0');
const port = z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535, 'expected a port number 0-65535');
const brokerList = z
  .string()
  .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1, 'expected at least one host:port'));
const regexList = z
  .string()
  .transform((v, ctx) => {
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) {
        for (const source of parsed) new RegExp(source);
        return parsed as string[];
      }
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `expected a JSON array of regular expressions (${(error as Error).message})` });
      return z.NEVER;
    }
    ctx.addIssue({ code: 'custom', message: 'expected a JSON array of regular expressions, e.g. ["secret=\\S+"]' });
    return z.NEVER;
  });
const serviceCatalog = z.string().transform((v, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(v);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `expected JSON (${(error as Error).message})` });
    return z.NEVER;
  }
  const parsed = serviceCatalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  }
  return parsed.data;
});
const deskRole = z.enum(['viewer', 'responder', 'admin'], { message: 'expected viewer, responder or admin' });
const slackUserRoles = z.string().transform((v, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(v);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `expected a JSON object like {"U024BE7LH": "responder"} (${(error as Error).message})` });
    return z.NEVER;
  }
  const parsed = z.record(z.string(), deskRole).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.join('.') || '(root)'}: ${issue?.code === 'invalid_type' && issue.path.length === 0 ? 'expected a JSON object like {"U024BE7LH": "responder"}' : (issue?.message ?? 'invalid')}` });
    return z.NEVER;
  }
  const notAUser = Object.keys(parsed.data).find((user) => !/^[UW][A-Z0-9]{2,}$/.test(user));
  if (notAUser !== undefined) {
    ctx.addIssue({ code: 'custom', message: `${notAUser}: expected a Slack user id (U…)` });
    return z.NEVER;
  }
  return parsed.data;
});
const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name ([a-zA-Z0-9._-], at most 249 chars)');

/**
 * Every environment variable Vigil reads, with its default. The README's configuration table
 * is generated from `describe` texts here, so keep them short and true.
 */
export const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP API listens on (0.0.0.0 in containers).'),
  PORT: port.default(3000).describe('HTTP port of the API and dashboard.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
  VIGIL_ADMIN_TOKEN: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('Bearer token of the bootstrap admin (creates the other API tokens). Unset: `vigil start` makes one per run and logs it.'),
  VIGIL_WEBHOOK_SECRET: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('Standard Webhooks secret (e.g. whsec_…) that signs alerts sent to POST /api/webhooks/generic. Unset: that route is 404.'),
  VIGIL_PAGERDUTY_ROUTING_KEY: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('Routing key PagerDuty Events API v2 senders must use at POST /api/webhooks/pagerduty. Unset: that route is 404.'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL server. Unset: embedded PGlite in VIGIL_DATA_DIR.'),
  DATABASE_POOL_SIZE: positiveInt.default(10).describe('Connections per process to DATABASE_URL.'),
  VIGIL_DATA_DIR: z.string().min(1).default('.vigil/data').describe("Embedded PGlite directory; 'memory://' keeps nothing on disk."),
  KAFKA_BROKERS: brokerList.optional().describe('Comma-separated host:port list. Unset: the in-process bus.'),
  KAFKA_CLIENT_ID: z.string().min(1).default('vigil').describe('Kafka client id.'),
  KAFKA_SSL: bool.default(false).describe('Use TLS to the brokers.'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional().describe('SASL mechanism; needs the two variables below.'),
  KAFKA_SASL_USERNAME: z.string().optional().describe('SASL user name.'),
  KAFKA_SASL_PASSWORD: z.string().optional().describe('SASL password.'),
  KAFKA_SESSION_TIMEOUT_MS: positiveInt.default(30000).describe('Consumer group session timeout; a dead worker\'s partitions move after this.'),
  KAFKA_HEARTBEAT_INTERVAL_MS: positiveInt.default(3000).describe('Consumer heartbeat interval (well under the session timeout).'),
  KAFKA_REBALANCE_TIMEOUT_MS: positiveInt.default(60000).describe('How long a rebalance waits for members to rejoin (a member that died mid-rebalance holds the group this long).'),
  VIGIL_TOPIC_OTLP_LOGS: topicName.default('otlp_logs').describe('Topic the Collector writes logs to.'),
  VIGIL_TOPIC_OTLP_METRICS: topicName.default('otlp_metrics').describe('Topic the Collector writes metrics to.'),
  VIGIL_TOPIC_OTLP_SPANS: topicName.default('otlp_spans').describe('Topic the Collector writes spans to.'),
  VIGIL_TOPIC_SIGNALS: topicName.default('vigil.signals').describe('Keyed hand-off from ingest to detection.'),
  VIGIL_TOPIC_DEAD_LETTER: topicName.default('vigil.dlq').describe('Where poison messages go, with the reason in headers.'),
  VIGIL_OTLP_ENCODING: z.enum(['otlp_proto', 'otlp_json']).default('otlp_proto').describe('Encoding of the otlp_* topics.'),
  VIGIL_INGEST_GROUP: z.string().min(1).default('vigil-ingest').describe('Consumer group of the ingest workers.'),
  VIGIL_INGEST_WORKERS: positiveInt.default(1).describe('Consumers per signal topic in one process (partitions are shared among them).'),
  VIGIL_INGEST_CONCURRENCY: positiveInt.default(3).describe('Partitions a consumer works on at once (database waits overlap decoding).'),
  VIGIL_PUBLISH_SIGNALS: bool.default(true).describe('Publish decoded records to the signals topic for detection.'),
  VIGIL_EVIDENCE_PER_MINUTE: z.coerce.number().int().min(0).default(5).describe('Example log lines / spans kept per service, severity (or operation) and minute.'),
  VIGIL_EVIDENCE_PROBLEMS_PER_MINUTE: z.coerce.number().int().min(0).default(50).describe('The same for warnings, errors and failed spans.'),
  VIGIL_RETENTION_ROLLUP_DAYS: positiveInt.default(30).describe('Days of per-minute rollups kept.'),
  VIGIL_RETENTION_EVIDENCE_DAYS: positiveInt.default(7).describe('Days of example log lines and spans kept.'),
  VIGIL_MAX_MESSAGE_BYTES: positiveInt
    .default(1024 * 1024)
    .describe("Largest OTLP request (Kafka message or OTLP/HTTP body); larger ones are dead-lettered or get 413. Keep it at or below the brokers' message.max.bytes."),
  VIGIL_REDACT_PATTERNS: regexList
    .default([])
    .describe('Extra secrets to mask before anything is stored (JSON array of regexes); card numbers, bearer tokens and JWTs are always masked.'),
  VIGIL_DETECT_GROUP: z.string().min(1).default('vigil-detect').describe('Consumer group of the detect workers (vigil.signals).'),
  VIGIL_TOPIC_ANOMALIES: topicName.default('vigil.anomalies').describe('Anomaly events from detection, keyed by service.'),
  VIGIL_LOG_WARMUP_MINUTES: positiveInt.default(10).describe("Event-time minutes of a service's logs learnt before new templates count as anomalies."),
  VIGIL_RESPONDER_GROUP: z.string().min(1).default('vigil-responder').describe('Consumer group of the responders (vigil.anomalies).'),
  VIGIL_SERVICES: serviceCatalog
    .prefault('{}')
    .describe('Service catalog as JSON: {"gateway": {"customerFacing": true, "slo": {"errorRatio": 0.01, "latencyP95Ms": 500}}}. Severity is judged against it.'),
  VIGIL_INCIDENT_JOIN_WINDOW_MINUTES: positiveInt.default(10).describe('An anomaly joins an open incident active this recently, if their services are connected.'),
  VIGIL_INCIDENT_MAX_HOPS: positiveInt.default(2).describe('…connected = within this many calls in the dependency graph learnt from traces.'),
  VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES: positiveInt.default(10).describe('An incident resolves itself once every signal has been recovered this long (event time).'),
  VIGIL_INCIDENT_COOLDOWN_MINUTES: positiveInt.default(30).describe('A signal firing again this soon after its incident resolved reopens it instead of opening another.'),
  VIGIL_INCIDENT_IDLE_MS: positiveInt.default(60000).describe('A live anomaly stream quiet this long moves event time on to the clock minus this, so recovered incidents still resolve.'),
  VIGIL_TOPOLOGY_REFRESH_MS: z.coerce.number().int().min(0).default(30000).describe('How often a responder re-reads the service dependency graph.'),
  VIGIL_POSTMORTEM_TEMPLATES: z.string().min(1).default('templates/postmortems').describe('Folder of postmortem templates (*.md); default.md is used unless another is asked for.'),
  VIGIL_RUNBOOKS_DIR: z.string().min(1).default('runbooks').describe('Folder of runbooks (*.yaml, *.yml, searched recursively); check them with `vigil runbooks validate`.'),
  VIGIL_WEBHOOK_MAX_ATTEMPTS: positiveInt.default(8).describe('Attempts at an outbound webhook delivery before it is dead (listed in the delivery log; an admin may retry it).'),
  VIGIL_WEBHOOK_BACKOFF_BASE_MS: positiveInt.default(5000).describe('Retry backoff of webhook deliveries: exponential with full jitter, up to this long after the first failure…'),
  VIGIL_WEBHOOK_BACKOFF_CAP_MS: positiveInt.default(3600000).describe('…doubling each time up to this cap; never sooner than a Retry-After the receiver sent.'),
  VIGIL_WEBHOOK_TIMEOUT_MS: positiveInt.default(10000).describe('Time a webhook receiver has to answer one attempt.'),
  VIGIL_WEBHOOK_POLL_MS: positiveInt.default(1000).describe('How often each responder looks for due webhook deliveries.'),
  VIGIL_RUNBOOKS_ENABLED: bool.default(true).describe('Run runbooks at all (false: the responder starts no runs and executes none).'),
  VIGIL_RUNBOOKS_DRY_RUN: bool.default(false).describe('Every run plans and logs, and its actions change nothing (server-side dry runs where the target has them).'),
  VIGIL_RUNBOOK_LEASE_MS: positiveInt.default(60000).describe('How long a responder holds a run it is executing before another may resume it (extended around long actions).'),
  VIGIL_RUNBOOK_POLL_MS: positiveInt.default(1000).describe('How often an idle responder looks for due runbook steps.'),
  VIGIL_RUNBOOK_VERIFY_POLL_MS: positiveInt.default(5000).describe('How often a verify step looks whether its signal healed.'),
  VIGIL_SHUTDOWN_TIMEOUT_MS: positiveInt.default(15000).describe('Time to finish in-flight work on SIGTERM before exiting.'),
  // Slack. Secrets are never checked against a format here: a refused value would be echoed in the error.
  SLACK_BOT_TOKEN: z.string().min(1).optional().describe('Slack bot token (xoxb-…). Unset: Slack is off (no incident channels, cards or thread posts).'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional().describe("Slack app's signing secret: verifies requests to POST /slack/events (commands, buttons, events), which exists only with this and SLACK_BOT_TOKEN set."),
  SLACK_API_URL: z.string().regex(/^https?:\/\//, 'expected an http(s) URL').default('https://slack.com/api/').describe('Base URL of the Slack Web API (a proxy or a test double).'),
  SLACK_MIN_SEVERITY: z.enum(['sev1', 'sev2', 'sev3', 'sev4']).default('sev2').describe('Incidents at this severity or worse get a Slack channel (one that rises to it later gets it then).'),
  SLACK_RESPONDERS: z
    .string()
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'expected Slack user ids (U…)')))
    .default([])
    .describe('Comma-separated Slack user ids invited to every incident channel.'),
  SLACK_USER_ROLES: slackUserRoles
    .prefault('{}')
    .describe('Vigil roles of Slack users as JSON: {"U024BE7LH": "responder", "U0G9QF9C6": "admin"} (viewer, responder or admin).'),
  SLACK_DEFAULT_ROLE: deskRole.default('viewer').describe('Role of Slack users not in SLACK_USER_ROLES; a viewer may look (`/incident status`) but not act.'),
  VIGIL_PUBLIC_URL: z.string().regex(/^https?:\/\//, 'expected an http(s) URL').default('http://localhost:3000').describe('Where people reach the dashboard (links in Slack).'),
});

export type VigilConfig = Readonly<z.output<typeof configSchema>>;
export type ConfigVariable = keyof z.input<typeof configSchema>;
