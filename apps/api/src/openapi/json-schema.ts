import { createHash } from 'node:crypto';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * zod → JSON Schema for an OpenAPI 3.1 document (whose schemas are JSON Schema 2020-12).
 * Shared and recursive parts (`$defs`, e.g. attribute values) move to `components.schemas`,
 * named by their content, because a `#/$defs/…` reference would resolve against the document
 * root. Identical parts of different routes become one component.
 */
export class OpenApiSchemas {
  readonly components: Record<string, JsonSchema> = {};
  private readonly hashes = new Map<string, string>();

  /** `input` for what clients send (coercions and defaults allowed), `output` for what they get. */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    // Transforms and other unrepresentable parts become `{}` (anything) rather than failing the document.
    const { $schema: _dialect, $defs, ...root } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const names = new Map<string, string>();
    for (const [local, definition] of Object.entries($defs ?? {})) {
      names.set(`#/$defs/${local}`, `#/components/schemas/${this.nameFor(local, definition)}`);
    }
    const relink = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(relink);
      if (value === null || typeof value !== 'object') return value;
      // zod spells a date-time out as a 300-character regex too; the format says it for readers.
      const entries = Object.entries(value).filter(([k]) => !(k === 'pattern' && (value as JsonSchema)['format'] === 'date-time'));
      return Object.fromEntries(entries.map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? (names.get(v) ?? v) : relink(v)]));
    };
    for (const [local, definition] of Object.entries($defs ?? {})) {
      const name = names.get(`#/$defs/${local}`)!.slice('#/components/schemas/'.length);
      this.components[name] = relink(definition) as JsonSchema;
    }
    return relink(root) as JsonSchema;
  }

  /** A schema's own id (`.meta({ id })`) when free, else one derived from its content. */
  private nameFor(local: string, definition: JsonSchema): string {
    const hash = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 10);
    const own = local.startsWith('__schema') ? null : local.replace(/[^A-Za-z0-9_.-]/g, '_');
    if (own && (this.components[own] === undefined || this.hashes.get(own) === hash)) {
      this.hashes.set(own, hash);
      return own;
    }
    const name = own ? `${own}_${hash}` : `Schema_${hash}`;
    this.hashes.set(name, hash);
    return name;
  }
}
