import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

export interface DeclaredRoute {
  /** e.g. `/api/tokens/:id`, as declared (not as a request spelled it). */
  path: string;
  /** Lower-case HTTP method; `all` for @All(). */
  method: string;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [value === undefined ? '' : String(value)]);

const joinPath = (...parts: string[]): string => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;

/**
 * The routes a controller method answers, read from the metadata @Controller and @Get/@Post…
 * store. Deciding by the declared route, not the request URL, leaves nothing to spelling:
 * Express matches `/API/Tokens/` to `api/tokens` too.
 */
export function declaredRoutes(controller: object, handler: object): DeclaredRoute[] {
  const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
  if (methodPaths === undefined) return [];
  const method = RequestMethod[(Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) ?? RequestMethod.GET]?.toLowerCase() ?? 'get';
  const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, controller));
  return controllerPaths.flatMap((base) => asList(methodPaths).map((path) => ({ path: joinPath(base, path), method })));
}

/** Routes under /api/ hold data and need a token; health, metrics and the OTLP receiver do not. */
export function isApiPath(path: string): boolean {
  return /^\/api(\/|$)/i.test(path);
}
