import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config.error';
import { configSchema, type VigilConfig } from './config.schema';

export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** A JSON file of the same variables; environment variables win. Default: $VIGIL_CONFIG_FILE. */
  file?: string;
}

const fileSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

function readFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([{ variable: 'VIGIL_CONFIG_FILE', problem: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError([{ variable: 'VIGIL_CONFIG_FILE', problem: `${path} must be a JSON object of VARIABLE: value` }]);
  }
  return Object.fromEntries(Object.entries(result.data).map(([k, v]) => [k, String(v)]));
}

/** Parses the configuration once, at boot, into a frozen object; throws ConfigError naming every bad variable. */
export function loadConfig(options: LoadConfigOptions = {}): VigilConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env['VIGIL_CONFIG_FILE'];
  const known = Object.keys(configSchema.shape);
  const raw: Record<string, string> = file ? readFile(file) : {};
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.push({ variable: key, problem: `unknown variable in ${file}` });
  }
  for (const key of known) {
    const value = env[key];
    // An empty variable means "not set", as in most shells' `FOO= cmd`.
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? '(config)');
      problems.push({ variable, problem: `${issue.message} (got ${JSON.stringify(raw[variable] ?? null)})` });
    }
  }
  if (result.success) {
    const c = result.data;
    if (c.KAFKA_HEARTBEAT_INTERVAL_MS >= c.KAFKA_SESSION_TIMEOUT_MS) {
      problems.push({ variable: 'KAFKA_HEARTBEAT_INTERVAL_MS', problem: 'must be below KAFKA_SESSION_TIMEOUT_MS' });
    }
    if (c.KAFKA_SASL_MECHANISM && (!c.KAFKA_SASL_USERNAME || !c.KAFKA_SASL_PASSWORD)) {
      problems.push({ variable: 'KAFKA_SASL_MECHANISM', problem: 'needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD' });
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return Object.freeze({ ...result.data });
}
