import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from './database';
import { stripNul } from './json-safe';

export type ApiTokenRole = 'viewer' | 'responder' | 'admin';

/** What may be shown about a token: never the token, never its hash. */
export interface ApiTokenSummary {
  id: string;
  name: string;
  role: ApiTokenRole;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiToken {
  id: string;
  name: string;
  role: ApiTokenRole;
  /** The bearer token itself: returned here once and stored nowhere. */
  token: string;
}

/** Recognisable in logs and secret scanners; the rest is 32 random bytes. */
export const API_TOKEN_PREFIX = 'vgl_';

/** A last_used_at older than this is refreshed; within it, a request costs no write. */
const TOUCH_INTERVAL_MS = 60_000;

/** sha256 hex: tokens carry 256 random bits, so a fast hash is enough (see 0005_access.sql). */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

interface ApiTokenRow {
  id: string;
  name: string;
  role: ApiTokenRole;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const SUMMARY_COLUMNS = 'id, name, role, created_by, created_at, last_used_at, revoked_at';

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: ApiTokenRow): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** API bearer tokens, stored as hashes. */
export class ApiTokenRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: { name: string; role: ApiTokenRole; createdBy: string }): Promise<CreatedApiToken> {
    const id = randomUUID();
    const token = generateApiToken();
    await this.db.query('INSERT INTO api_tokens (id, name, role, token_hash, created_by) VALUES ($1, $2, $3, $4, $5)', [
      id,
      stripNul(input.name),
      input.role,
      hashApiToken(token),
      stripNul(input.createdBy),
    ]);
    return { id, name: stripNul(input.name), role: input.role, token };
  }

  /** The active (not revoked) token, or null. Records the use, at most once a minute per token. */
  async findByToken(token: string): Promise<ApiTokenSummary | null> {
    const { rows } = await this.db.query<ApiTokenRow>(`SELECT ${SUMMARY_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hashApiToken(token)]);
    const row = rows[0];
    if (!row) return null;
    const lastUsed = row.last_used_at === null ? null : new Date(row.last_used_at).getTime();
    if (lastUsed === null || Date.now() - lastUsed >= TOUCH_INTERVAL_MS) {
      // The condition repeats in SQL so concurrent requests of one token write once.
      const touched = await this.db.query<{ last_used_at: Date }>(
        `UPDATE api_tokens SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2::double precision))
         RETURNING last_used_at`,
        [row.id, TOUCH_INTERVAL_MS / 1000],
      );
      if (touched.rows[0]) row.last_used_at = touched.rows[0].last_used_at;
    }
    return fromRow(row);
  }

  async get(id: string): Promise<ApiTokenSummary | null> {
    const { rows } = await this.db.query<ApiTokenRow>(`SELECT ${SUMMARY_COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Every token, revoked ones too, newest first. */
  async list(): Promise<ApiTokenSummary[]> {
    const { rows } = await this.db.query<ApiTokenRow>(`SELECT ${SUMMARY_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`);
    return rows.map(fromRow);
  }

  /** Revokes an active token and returns it as it is now; null when unknown or already revoked. */
  async revoke(id: string): Promise<ApiTokenSummary | null> {
    const { rows } = await this.db.query<ApiTokenRow>(
      `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${SUMMARY_COLUMNS}`,
      [id],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }
}
