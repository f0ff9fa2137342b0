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

  /** Upserts every owner's state; returns the bytes of JSON written (for the worker's metrics). */
  async save(namespace: string, states: ReadonlyMap<string, unknown>): Promise<number> {
    const rows = [...states].map(([owner, state]) => [owner, toJsonb(state)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let bytes = 0;
    for (const [, json] of rows) bytes += json.length;
    for (const { values, params } of valueChunks(rows, 3, ([owner, json]) => [namespace, stripNul(owner), json], ['', '', '::jsonb'])) {
      await this.db.query(
        `INSERT INTO detector_checkpoints AS t (namespace, owner, state) VALUES ${values}
         ON CONFLICT (namespace, owner) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        params,
      );
    }
    return bytes;
  }
}
