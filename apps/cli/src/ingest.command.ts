import { parseArgs } from 'node:util';
import { openBus } from '@vigil/bus';
import { startIngest } from '@vigil/ingest';
import { migrate, openDatabase } from '@vigil/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Command } from './command';
import { configWith } from './config-from-args';
import { createLogger } from './logger';
import { onShutdownSignal } from './shutdown';
import { startWorkerHttp } from './worker-http';

/** The ingest worker alone, as its own Deployment runs it: Kafka and a PostgreSQL server. */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'run only the ingest workers (needs KAFKA_BROKERS and DATABASE_URL); /healthz, /readyz, /metrics on --port',
  usage: 'vigil ingest [--port N] [--host ADDRESS]',
  async run({ argv, env, stderr }) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
    const config = configWith(env, { PORT: values.port, HOST: values.host });
    if (!config.KAFKA_BROKERS || !config.DATABASE_URL) {
      stderr('vigil ingest: set KAFKA_BROKERS and DATABASE_URL (a worker on its own needs the shared backbone; `vigil start` runs everything embedded)');
      return 78;
    }
    const logger = createLogger(config.LOG_LEVEL).child({ app: 'ingest' });
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
    const db = await openDatabase(config);
    await migrate(db);
    const bus = openBus(config, { onLog: (level, message, extra) => logger[level](extra, message) });
    let ready = false;
    const ingest = await startIngest({ config, bus, db, registry, offsetNamespace: bus.namespace, logger });
    void ingest.ready.then(() => {
      ready = true;
      logger.info('ingest consumers joined their groups');
    });
    const http = await startWorkerHttp({ host: config.HOST, port: config.PORT, registry, ready: () => ready });
    logger.info({ url: http.url }, 'ingest worker running');
    return onShutdownSignal(
      async () => {
        ready = false;
        await ingest.stop();
        await bus.shutdown();
        await http.close();
        await db.close();
        logger.info('stopped cleanly');
      },
      logger,
      config.VIGIL_SHUTDOWN_TIMEOUT_MS,
    );
  },
};
