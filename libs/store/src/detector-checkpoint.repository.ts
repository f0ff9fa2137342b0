import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

/** Detector state per owner, saved in the transaction that advances the consumed offsets. */
export class DetectorCheckpointRepository {
  constructor(private readonly db: Queryable) {}

  async load<T>(namespace: string, owner: string): Promise<T | null> {
    const { rows } = await this.db.query<{ state: unknown }>('SELECT state FROM detector_checkpoints WHERE namespace = $1 AND owner = $2', [namespace, owner]);
    const state = rows[0]?.state;
    if (state === undefined) return null;
    return (typeof state === 'string' ? JSON.parse(state) : state) as T;
  }

  async save(namespace: string, states: ReadonlyMap<string, unknown>): Promise<void> {
    const rows = [...states].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const { values, params } of valueChunks(rows, 3, ([owner, state]) => [namespace, stripNul(owner), toJsonb(state)], ['', '', '::jsonb'])) {
      await this.db.query(
        `INSERT INTO detector_checkpoints AS t (namespace, owner, state) VALUES ${values}
         ON CONFLICT (namespace, owner) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        params,
      );
    }
  }
}
