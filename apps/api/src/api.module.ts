import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AnomaliesController } from './anomalies.controller';
import { HealthController } from './health.controller';
import { LogRecordsController } from './log-records.controller';
import { LogTemplatesController } from './log-templates.controller';
import { MetricsController } from './metrics.controller';
import { OtlpGatewayModule } from './otlp-gateway/otlp-gateway.module';
import type { OtlpGatewayOptions } from './otlp-gateway/otlp-gateway.options';
import type { Readiness } from './readiness';
import { DATABASE, METRICS_REGISTRY, READINESS } from './tokens';

export interface ApiDependencies {
  db: Database;
  readiness: Readiness;
  /** The OTLP/HTTP receiver (POST /v1/{logs,metrics,traces}); without it those routes do not exist. */
  otlpGateway?: OtlpGatewayOptions;
  /** Served at GET /metrics for Prometheus; without it /metrics is 404. */
  registry?: Registry;
}

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDependencies & { logger?: Logger }): DynamicModule {
    return {
      module: ApiModule,
      imports: deps.otlpGateway ? [OtlpGatewayModule.forRoot(deps.otlpGateway, deps.logger?.child({ component: 'otlp-gateway' }))] : [],
      controllers: [HealthController, LogRecordsController, LogTemplatesController, AnomaliesController, MetricsController],
      providers: [
        { provide: DATABASE, useValue: deps.db },
        { provide: READINESS, useValue: deps.readiness },
        { provide: METRICS_REGISTRY, useValue: deps.registry ?? null },
      ],
    };
  }
}
