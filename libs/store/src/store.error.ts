export type StoreErrorCode = 'connection_failed' | 'migration_failed' | 'closed';

/** Connection problems are retriable (the server may come back); a broken migration is not. */
export class StoreError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
    this.retriable = code === 'connection_failed';
  }
}
