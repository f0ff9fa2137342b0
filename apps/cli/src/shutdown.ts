import type { Logger } from 'pino';

/**
 * SIGTERM / SIGINT → stop() once, within a time limit; a second signal exits at once.
 * Resolves with the exit code once stopped.
 */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const handle = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      signalled = true;
      logger.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out');
        resolve(1);
      }, timeoutMs);
      timer.unref();
      stop().then(
        () => {
          clearTimeout(timer);
          resolve(0);
        },
        (error: unknown) => {
          clearTimeout(timer);
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  });
}
