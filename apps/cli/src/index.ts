export { startPlatform } from './platform';
export type { Platform } from './platform';
export { runCli, helpText, COMMANDS } from './cli';
export type { Command, CommandContext } from './command';
export { createLogger } from './logger';
