import { loadConfig, type VigilConfig } from '@vigil/config';

/** Command-line flags override their environment variables, through the same validation. */
export function configWith(env: NodeJS.ProcessEnv, overrides: Record<string, string | undefined>): VigilConfig {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return loadConfig({ env: merged });
}
