import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const API_DOC = 'vigil:api-doc';

/**
 * What the OpenAPI document says about one route, as the zod schemas the route already
 * validates with, so the document cannot drift from the code.
 */
export interface ApiDocOptions {
  summary: string;
  description?: string;
  /** The query string, one parameter per property. */
  query?: z.ZodObject;
  /** Path parameters (`:id`), one per property. */
  params?: z.ZodObject;
  /** The JSON request body. */
  body?: z.ZodType;
  /** The JSON body of the success response; none for 204. */
  response?: z.ZodType;
}

/** Documents a controller method in /api/docs; path, method, status and role come from Nest's own decorators. */
export const ApiDoc = (doc: ApiDocOptions) => SetMetadata(API_DOC, doc);
