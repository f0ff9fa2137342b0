import { Controller, Get, Inject, NotFoundException, Param, Res, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ApiDoc } from './api-doc.decorator';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { SWAGGER_INITIALIZER_JS, SWAGGER_UI_HTML, swaggerUiAsset } from './swagger-ui';

const API_INFO = {
  title: 'Vigil API',
  // The API is unversioned in its paths; this follows the release (apps/cli/package.json).
  version: '0.1.0',
  description: 'Evidence, templates, anomalies and redactions from the pipeline; API tokens and the audit log. Routes under /api/ need `Authorization: Bearer <token>`.',
};

/** Swagger UI and the OpenAPI document, open to all: they describe the API and hold no data. */
@Controller('api/docs')
@Public()
export class DocsController {
  private document: OpenApiDocument | undefined;

  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService) {}

  @Get()
  @ApiDoc({ summary: 'Swagger UI for this API (served offline)' })
  page(@Res() res: Response): void {
    res.type('html').setHeader('cache-control', 'no-cache');
    res.send(SWAGGER_UI_HTML);
  }

  @Get('openapi.json')
  @ApiDoc({ summary: 'This OpenAPI 3.1 document', response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) })
  openapi(): OpenApiDocument {
    // Built on first use, when every module's controllers are registered; routes do not change after.
    return (this.document ??= buildOpenApiDocument(
      this.discovery.getControllers().flatMap((wrapper) => (wrapper.metatype ? [wrapper.metatype as Type] : [])),
      API_INFO,
    ));
  }

  @Get('swagger-initializer.js')
  @ApiDoc({ summary: 'Swagger UI start-up script (points it at this document)' })
  initializer(@Res() res: Response): void {
    res.type('text/javascript').setHeader('cache-control', 'no-cache');
    res.send(SWAGGER_INITIALIZER_JS);
  }

  @Get(':asset')
  @ApiDoc({ summary: 'Swagger UI files from the swagger-ui-dist package', params: z.object({ asset: z.string().describe('e.g. swagger-ui-bundle.js') }) })
  asset(@Param('asset') name: string, @Res() res: Response): void {
    const asset = swaggerUiAsset(name);
    if (!asset) throw new NotFoundException();
    res.setHeader('content-type', asset.contentType);
    res.setHeader('cache-control', 'public, max-age=86400');
    res.send(asset.body);
  }
}
