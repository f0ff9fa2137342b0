import { parseArgs } from 'node:util';
import { openBus } from '@vigil/bus';
import type { IngestDependencies } from '@vigil/ingest';
import { migrate, openDatabase } from '@vigil/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Command } from './command';
import { configWith } from './config-from-args';
import { createLogger } from './logger';
import { onShutdownSignal } from './shutdown';
import { startWorkerHttp } from './worker-http';

/** What every worker app is started with (the ingest and detect apps take the same). */
export type WorkerDependencies = IngestDependencies;

export interface RunningWorker {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * One worker on its own, as its Deployment runs it: Kafka and a PostgreSQL server, with
 * /healthz, /readyz and /metrics on --port, and a graceful stop on SIGTERM.
 */
export function workerCommand(app: string, summary: string, start: (deps: WorkerDependencies) => Promise<RunningWorker>): Command {
  return {
    name: app === 'ingest' ? 'ingest' : `${app}-worker`,
    summary: `${summary} (needs KAFKA_BROKERS and DATABASE_URL); /healthz, /readyz, /metrics on --port`,
    usage: `vigil ${app === 'ingest' ? 'ingest' : `${app}-worker`} [--port N] [--host ADDRESS]`,
    async run({ argv, env, stderr }) {
      const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
      const config = configWith(env, { PORT: values.port, HOST: values.host });
      if (!config.KAFKA_BROKERS || !config.DATABASE_URL) {
        stderr(`vigil ${app}: set KAFKA_BROKERS and DATABASE_URL (a worker on its own needs the shared backbone; \`vigil start\` runs everything embedded)`);
        return 78;
      }
      const logger = createLogger(config.LOG_LEVEL).child({ app });
      const registry = new Registry();
      collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
      const db = await openDatabase(config);
      await migrate(db);
      const bus = openBus(config, { onLog: (level, message, extra) => logger[level](extra, message) });
      let ready = false;
      const worker = await start({ config, bus, db, registry, offsetNamespace: bus.namespace, logger });
      void worker.ready.then(() => {
        ready = true;
        logger.info(`${app} consumers joined their groups`);
      });
      const http = await startWorkerHttp({ host: config.HOST, port: config.PORT, registry, ready: () => ready });
      logger.info({ url: http.url }, `${app} worker running`);
      return onShutdownSignal(
        async () => {
          ready = false;
          await worker.stop();
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
}
