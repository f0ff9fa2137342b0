import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ApiTokenRepository, type Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AnomaliesController } from './anomalies.controller';
import { TokensController } from './api-tokens.controller';
import { AuditController } from './audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenAuthenticator } from './auth/token-authenticator';
import { HealthController } from './health.controller';
import type { InboundAlertsOptions } from './inbound/inbound-alerts.options';
import { InboundWebhooksModule } from './inbound/inbound-webhooks.module';
import { LogRecordsController } from './log-records.controller';
import { LogTemplatesController } from './log-templates.controller';
import { MetricsController } from './metrics.controller';
import { DocsController } from './openapi/docs.controller';
import { OtlpGatewayModule } from './otlp-gateway/otlp-gateway.module';
import type { OtlpGatewayOptions } from './otlp-gateway/otlp-gateway.options';
import type { Readiness } from './readiness';
import { IncidentCommands } from './incidents/incident-commands';
import { IncidentsController } from './incidents/incidents.controller';
import { ResponseTimesController } from './incidents/response-times.controller';
import { NoiseRulesController } from './noise/noise-rules.controller';
import { PostmortemTemplates } from './postmortems/postmortem-templates';
import { PostmortemsController } from './postmortems/postmortems.controller';
import { PostmortemWriter } from './postmortems/postmortem-writer';
import { RunDecisions } from './runbooks/run-decisions';
import { ManualRuns } from './runbooks/manual-runs';
import { DATABASE, METRICS_REGISTRY, POSTMORTEM_TEMPLATES, READINESS, RUNBOOKS } from './tokens';
import type { RunbookSource } from './runbooks/runbook-source';
import { RunbooksController } from './runbooks/runbooks.controller';
import { SeriesController } from './series.controller';
import { ServicesController } from './services.controller';
import { RunsController } from './runbooks/runs.controller';
import { webControllers, webProviders } from './web';
import { WebhookDeliveriesController } from './webhooks/webhook-deliveries.controller';
import { WebhookSubscriptionsController } from './webhooks/webhook-subscriptions.controller';
import { SLACK_STATUS, SlackStatusController, type SlackStatusSource } from './slack/slack-status.controller';
import { SlackEventsModule, slackInbound, type SlackEventsOptions } from './slack/slack-events.module';

export interface ApiDependencies {
  db: Database;
  readiness: Readiness;
  /** The OTLP/HTTP receiver (POST /v1/{logs,metrics,traces}); without it those routes do not exist. */
  otlpGateway?: OtlpGatewayOptions;
  /** Served at GET /metrics for Prometheus; without it /metrics is 404. */
  registry?: Registry;
  /** The bootstrap admin's bearer token (VIGIL_ADMIN_TOKEN); without it only stored API tokens sign in. */
  adminToken?: string;
  /** The runbooks folder as the responder loads it; without it /api/runbooks lists none. */
  runbooks?: RunbookSource;
  /** Folder of postmortem templates (VIGIL_POSTMORTEM_TEMPLATES); default: the shipped ones. */
  postmortemTemplatesDir?: string;
  /** The inbound alert webhooks (POST /api/webhooks/{alertmanager,grafana,pagerduty,generic}); without it those routes do not exist. */
  alerts?: InboundAlertsOptions;
  /** The Slack sync's status for GET /api/slack/status; without it the route reports Slack as off. */
  slackStatus?: SlackStatusSource;
  /** Slack's request URL (POST /slack/events: events, /incident, buttons); without it that route does not exist. */
  slack?: SlackEventsOptions;
}

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDependencies & { logger?: Logger }): DynamicModule {
    return {
      module: ApiModule,
      // DiscoveryModule: the OpenAPI document is built from whatever controllers are registered.
      imports: [
        DiscoveryModule,
        ...(deps.otlpGateway ? [OtlpGatewayModule.forRoot(deps.otlpGateway, deps.logger?.child({ component: 'otlp-gateway' }))] : []),
        ...(deps.alerts ? [InboundWebhooksModule.forRoot(deps.alerts, { db: deps.db, registry: deps.registry, logger: deps.logger?.child({ component: 'inbound-webhooks' }) })] : []),
        ...(deps.slack
          ? [SlackEventsModule.forRoot(slackInbound(deps.slack, { db: deps.db, runbooks: deps.runbooks, postmortemTemplatesDir: deps.postmortemTemplatesDir, logger: deps.logger?.child({ component: 'slack' }) }))]
          : []),
      ],
      controllers: [HealthController, LogRecordsController, LogTemplatesController, AnomaliesController, MetricsController, TokensController, AuditController, DocsController,
        IncidentsController, PostmortemsController, NoiseRulesController, ResponseTimesController, RunbooksController, RunsController, SeriesController, ServicesController,
        WebhookSubscriptionsController, WebhookDeliveriesController,
        SlackStatusController,
        ...webControllers,
      ],
      providers: [
        { provide: DATABASE, useValue: deps.db },
        { provide: READINESS, useValue: deps.readiness },
        { provide: METRICS_REGISTRY, useValue: deps.registry ?? null },
        { provide: TokenAuthenticator, useFactory: (db: Database) => new TokenAuthenticator(new ApiTokenRepository(db), deps.adminToken), inject: [DATABASE] },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: POSTMORTEM_TEMPLATES, useValue: new PostmortemTemplates(deps.postmortemTemplatesDir ?? 'templates/postmortems') },
        IncidentCommands,
        PostmortemWriter,
        RunDecisions,
        ManualRuns,
        { provide: RUNBOOKS, useValue: deps.runbooks ?? null },
        { provide: SLACK_STATUS, useValue: deps.slackStatus ?? null },
        ...webProviders(deps.logger),
      ],
    };
  }
}
