import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '@vigil/store';
import { HealthController } from './health.controller';
import { LogRecordsController } from './log-records.controller';
import type { Readiness } from './readiness';
import { DATABASE, READINESS } from './tokens';

export interface ApiDependencies {
  db: Database;
  readiness: Readiness;
}

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDependencies): DynamicModule {
    return {
      module: ApiModule,
      controllers: [HealthController, LogRecordsController],
      providers: [
        { provide: DATABASE, useValue: deps.db },
        { provide: READINESS, useValue: deps.readiness },
      ],
    };
  }
}
