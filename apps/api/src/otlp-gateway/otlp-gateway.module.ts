import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { OtlpGatewayController } from './otlp-gateway.controller';
import { OTLP_GATEWAY_LOGGER, OTLP_GATEWAY_OPTIONS, resolveOtlpGatewayOptions, type OtlpGatewayOptions } from './otlp-gateway.options';
import { OtlpGatewayService } from './otlp-gateway.service';

/** The OTLP/HTTP receiver; `ApiModule` imports it only when the composition root passes a bus. */
@Module({})
export class OtlpGatewayModule {
  static forRoot(options: OtlpGatewayOptions, logger?: Logger): DynamicModule {
    return {
      module: OtlpGatewayModule,
      controllers: [OtlpGatewayController],
      providers: [
        { provide: OTLP_GATEWAY_OPTIONS, useValue: resolveOtlpGatewayOptions(options) },
        // null, not undefined: Nest does not treat an undefined useValue as a value provider.
        { provide: OTLP_GATEWAY_LOGGER, useValue: logger ?? null },
        { provide: OtlpGatewayService, useClass: OtlpGatewayService },
      ],
    };
  }
}
