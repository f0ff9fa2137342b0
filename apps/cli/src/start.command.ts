import { parseArgs } from 'node:util';
import type { Command } from './command';
import { configWith } from './config-from-args';
import { createLogger } from './logger';
import { startPlatform } from './platform';
import { onShutdownSignal } from './shutdown';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the whole platform in one process (embedded defaults unless DATABASE_URL / KAFKA_BROKERS)',
  usage: 'vigil start [--port N] [--host ADDRESS]',
  async run({ argv, env }) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
    const config = configWith(env, { PORT: values.port, HOST: values.host });
    const logger = createLogger(config.LOG_LEVEL);
    const platform = await startPlatform(config, logger);
    logger.info(
      { url: platform.url, database: platform.db.driver, bus: platform.bus.kind },
      `Vigil is running on ${platform.url}`,
    );
    return onShutdownSignal(() => platform.stop(), logger, config.VIGIL_SHUTDOWN_TIMEOUT_MS);
  },
};
