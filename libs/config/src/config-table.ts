import { configSchema } from './config.schema';

interface SchemaWithDefault {
  def?: { type?: string; defaultValue?: unknown; innerType?: SchemaWithDefault };
}

function defaultOf(schema: SchemaWithDefault): string {
  let current: SchemaWithDefault | undefined = schema;
  while (current?.def) {
    if (current.def.type === 'default' || current.def.type === 'prefault') {
      const value = current.def.defaultValue;
      return `\`${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}\``;
    }
    current = current.def.innerType;
  }
  return '(unset)';
}

/** The markdown table of every variable, as shown in the README; a test keeps the README in step. */
export function configTableMarkdown(): string {
  const rows = Object.entries(configSchema.shape).map(([name, schema]) => {
    const description = (schema as { description?: string }).description ?? '';
    return `| \`${name}\` | ${defaultOf(schema as unknown as SchemaWithDefault)} | ${description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
