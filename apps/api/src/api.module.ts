import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import { HealthController } from './health.controller';
import { LogRecordsController } from './log-records.controller';
import { OtlpGatewayModule } from './otlp-gateway/otlp-gateway.module';
import type { OtlpGatewayOptions } from './otlp-gateway/otlp-gateway.options';
import type { Readiness } from './readiness';
import { DATABASE, READINESS } from './tokens';

export interface ApiDependencies {
  db: Database;
  readiness: Readiness;
  /** The OTLP/HTTP receiver (POST /v1/{logs,metrics,traces}); without it those routes do not exist. */
  otlpGateway?: OtlpGatewayOptions;
}

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDependencies & { logger?: Logger }): DynamicModule {
    return {
      module: ApiModule,
      imports: deps.otlpGateway ? [OtlpGatewayModule.forRoot(deps.otlpGateway, deps.logger?.child({ component: 'otlp-gateway' }))] : [],
      controllers: [HealthController, LogRecordsController],
      providers: [
        { provide: DATABASE, useValue: deps.db },
        { provide: READINESS, useValue: deps.readiness },
      ],
    };
  }
}
