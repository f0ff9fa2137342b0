export { loadConfig } from './load-config';
export type { LoadConfigOptions } from './load-config';
export { ConfigError } from './config.error';
export type { ConfigProblem } from './config.error';
export { configSchema } from './config.schema';
export type { VigilConfig, ConfigVariable } from './config.schema';
export { configTableMarkdown } from './config-table';
