import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { INBOUND_DATABASE, INBOUND_LOGGER, INBOUND_METRICS, INBOUND_OPTIONS, resolveInboundAlertsOptions, type InboundAlertsOptions } from './inbound-alerts.options';
import { InboundAlertsService } from './inbound-alerts.service';
import { inboundMetrics } from './inbound-metrics';
import { InboundWebhooksController } from './inbound-webhooks.controller';
import { PagerDutyEnabledGuard, StandardWebhookSignatureGuard } from './inbound-webhooks.guards';
import { METRICS_REGISTRY } from '../tokens';

/** The inbound alert webhooks; `ApiModule` imports it only when the composition root passes `alerts`. */
@Module({})
export class InboundWebhooksModule {
  static forRoot(options: InboundAlertsOptions, deps: { db: Database; registry?: Registry; logger?: Logger }): DynamicModule {
    return {
      module: InboundWebhooksModule,
      controllers: [InboundWebhooksController],
      providers: [
        { provide: INBOUND_OPTIONS, useValue: resolveInboundAlertsOptions(options) },
        { provide: INBOUND_DATABASE, useValue: deps.db },
        { provide: INBOUND_METRICS, useValue: inboundMetrics(deps.registry) },
        // null, not undefined: Nest does not treat an undefined useValue as a value provider.
        { provide: INBOUND_LOGGER, useValue: deps.logger ?? null },
        { provide: METRICS_REGISTRY, useValue: deps.registry ?? null },
        InboundAlertsService,
        StandardWebhookSignatureGuard,
        PagerDutyEnabledGuard,
      ],
    };
  }
}
