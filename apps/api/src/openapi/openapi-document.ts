import { HttpStatus, RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { z } from 'zod';
import { PUBLIC_ROUTE } from '../auth/public.decorator';
import { REQUIRED_ROLE } from '../auth/require-role.decorator';
import type { Role } from '../auth/role';
import { declaredRoutes, isApiPath } from '../route-paths';
import { API_DOC, type ApiDocOptions } from './api-doc.decorator';
import { OpenApiSchemas, type JsonSchema } from './json-schema';

export const BEARER_SCHEME = 'bearer';

type Operation = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
}

const errorSchema = z.object({ statusCode: z.number().int(), error: z.string(), message: z.string() });
const validationErrorSchema = z.object({
  error: z.literal('invalid_request'),
  issues: z.array(z.object({ path: z.string().describe('Dotted path of the bad field'), message: z.string() })),
});

/** `/api/tokens/:id` → `/api/tokens/{id}` and the names in it. */
function templated(path: string): { path: string; names: string[] } {
  const names: string[] = [];
  return { path: path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (names.push(name), `{${name}}`)), names };
}

function handlersOf(controller: Type): [string, object][] {
  const found: [string, object][] = [];
  for (let proto = controller.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = name === 'constructor' ? undefined : (Object.getOwnPropertyDescriptor(proto, name)?.value as unknown);
      if (typeof handler === 'function' && !found.some(([n]) => n === name)) found.push([name, handler]);
    }
  }
  return found;
}

/**
 * The OpenAPI 3.1 document of the given controllers, read from the metadata they already carry:
 * Nest's route and status decorators, @RequireRole/@Public for security, @ApiDoc for summaries
 * and the zod schemas. A controller added to the app appears with nothing else to register.
 */
export function buildOpenApiDocument(controllers: readonly Type[], info: { title: string; version: string; description: string }): OpenApiDocument {
  const schemas = new OpenApiSchemas();
  const paths: OpenApiDocument['paths'] = {};
  const errors = { error: schemas.convert(errorSchema, 'output'), validation: schemas.convert(validationErrorSchema, 'output') };
  const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });

  for (const controller of controllers) {
    const tag = controller.name.replace(/Controller$/, '');
    for (const [methodName, handler] of handlersOf(controller)) {
      const doc = Reflect.getMetadata(API_DOC, handler) as ApiDocOptions | undefined;
      const isPublic = (Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller)) === true;
      const declaredRole = (Reflect.getMetadata(REQUIRED_ROLE, handler) ?? Reflect.getMetadata(REQUIRED_ROLE, controller)) as Role | undefined;
      for (const route of declaredRoutes(controller, handler)) {
        const role = isPublic || !isApiPath(route.path) ? null : (declaredRole ?? 'viewer');
        const methods = route.method === RequestMethod[RequestMethod.ALL].toLowerCase() ? ['get', 'post', 'put', 'patch', 'delete'] : [route.method];
        const { path, names } = templated(route.path);
        const paramSchema = doc?.params ? schemas.convert(doc.params, 'input') : undefined;
        const paramProps = (paramSchema?.['properties'] ?? {}) as Record<string, JsonSchema>;
        const parameters: Operation[] = names.map((name) => ({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } }));
        if (doc?.query) {
          const query = schemas.convert(doc.query, 'input');
          const required = new Set((query['required'] as string[] | undefined) ?? []);
          for (const [name, schema] of Object.entries((query['properties'] ?? {}) as Record<string, JsonSchema>)) {
            parameters.push({ name, in: 'query', required: required.has(name), ...(typeof schema['description'] === 'string' ? { description: schema['description'] } : {}), schema });
          }
        }
        for (const method of methods) {
          const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? HttpStatus.CREATED : HttpStatus.OK);
          const responses: Record<string, unknown> = {
            [status]: status === HttpStatus.NO_CONTENT || !doc?.response ? { description: 'Success' } : { description: 'Success', content: jsonContent(schemas.convert(doc.response, 'output')) },
          };
          if (doc?.query || doc?.params || doc?.body) responses['400'] = { description: 'A request field is invalid; each bad field is named.', content: jsonContent(errors.validation) };
          if (role) {
            responses['401'] = { description: 'No token, or an unknown or revoked one.', headers: { 'WWW-Authenticate': { schema: { type: 'string' } } }, content: jsonContent(errors.error) };
            if (role !== 'viewer') responses['403'] = { description: `The token's role is below ${role}.`, content: jsonContent(errors.error) };
          }
          const roleNote = role ? `Needs a bearer token with the ${role} role (or above).` : 'Open: no token needed.';
          paths[path] ??= {};
          paths[path][method] = {
            operationId: methods.length > 1 ? `${tag}_${methodName}_${method}` : `${tag}_${methodName}`,
            tags: [tag],
            summary: doc?.summary ?? `${method.toUpperCase()} ${route.path}`,
            description: doc?.description ? `${doc.description}\n\n${roleNote}` : roleNote,
            ...(parameters.length ? { parameters } : {}),
            ...(doc?.body ? { requestBody: { required: true, content: jsonContent(schemas.convert(doc.body, 'input')) } } : {}),
            responses,
            security: role ? [{ [BEARER_SCHEME]: [] }] : [],
            ...(role ? { 'x-vigil-role': role } : {}),
          };
        }
      }
    }
  }
  return {
    openapi: '3.1.0',
    info,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    components: {
      securitySchemes: {
        [BEARER_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`vgl_…`) from POST /api/tokens, or VIGIL_ADMIN_TOKEN. Roles: viewer ⊂ responder ⊂ admin.',
        },
      },
      schemas: schemas.components,
    },
  };
}
