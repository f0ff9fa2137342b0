import 'reflect-metadata';
import { Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from './api-doc.decorator';
import { buildOpenApiDocument } from './openapi-document';

/** Recursive, as attribute values are: it must land in components.schemas, not in a dangling `#/$defs`. */
const json: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.array(json), z.record(z.string(), json)]));

@Controller('api/widgets')
@RequireRole('responder')
class WidgetsController {
  @Get()
  @ApiDoc({ summary: 'List widgets', query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5).describe('How many'), colour: z.enum(['red', 'blue']) }) })
  list(): void {}

  @Post(':id/paint')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiDoc({ summary: 'Paint one', params: z.object({ id: z.uuid() }), body: z.object({ colour: z.string() }), response: z.object({ spec: json }) })
  paint(): void {}

  @Delete(':id')
  @RequireRole('admin')
  remove(): void {}
}

@Controller()
class OpenController {
  @Get('healthz')
  health(): void {}
}

@Controller('api/about')
@Public()
class AboutController {
  @Get()
  about(): void {}
}

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument([WidgetsController, OpenController, AboutController], { title: 't', version: '1', description: 'd' });

  it('reads paths, methods and status codes from the Nest decorators, undocumented routes too', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/about', '/api/widgets', '/api/widgets/{id}', '/api/widgets/{id}/paint', '/healthz']);
    expect(Object.keys(doc.paths['/api/widgets/{id}/paint']!)).toEqual(['post']);
    expect(doc.paths['/api/widgets/{id}/paint']!['post']!['responses']).toHaveProperty('202');
    expect(doc.paths['/api/widgets/{id}']!['delete']!['summary']).toBe('DELETE /api/widgets/:id');
  });

  it('says which role each route needs: the method over the class, viewer by default, none outside /api/ or when public', () => {
    const role = (path: string, method: string) => doc.paths[path]![method]!['x-vigil-role'] ?? null;
    expect(role('/api/widgets', 'get')).toBe('responder');
    expect(role('/api/widgets/{id}', 'delete')).toBe('admin');
    expect(doc.paths['/api/widgets/{id}']!['delete']!['security']).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/widgets/{id}']!['delete']!['responses']).toHaveProperty('403');
    expect(role('/healthz', 'get')).toBeNull();
    expect(doc.paths['/healthz']!['get']!['security']).toEqual([]);
    expect(role('/api/about', 'get')).toBeNull();
  });

  it('turns the zod schemas into parameters and bodies, and recursive parts into components', () => {
    expect(doc.paths['/api/widgets']!['get']!['parameters']).toEqual([
      { name: 'limit', in: 'query', required: false, description: 'How many', schema: { type: 'integer', minimum: 1, maximum: 10, default: 5, description: 'How many' } },
      { name: 'colour', in: 'query', required: true, schema: { type: 'string', enum: ['red', 'blue'] } },
    ]);
    const paint = doc.paths['/api/widgets/{id}/paint']!['post']!;
    expect(paint['parameters']).toEqual([{ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'string', format: 'uuid' }) }]);
    expect(paint['requestBody']).toMatchObject({ content: { 'application/json': { schema: { type: 'object', required: ['colour'] } } } });
    const text = JSON.stringify(doc);
    expect(text).not.toContain('#/$defs/');
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty([ref]);
  });
});
