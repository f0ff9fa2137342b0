import type { ServiceCall } from '@vigil/incidents';
import { ServiceCallRepository, type Queryable } from '@vigil/store';

const WEEK = 7 * 86_400_000;

/**
 * The dependency graph as ingestion learnt it from traces over the last week: long enough to
 * include calls made only at night or on a weekly batch, short enough to forget retired services.
 */
export const storedTopology = (db: Queryable, lookbackMs = WEEK) => async (): Promise<ServiceCall[]> =>
  (await new ServiceCallRepository(db).graph(Date.now() - lookbackMs)).map(({ caller, callee }) => ({ caller, callee }));
