-- Who may use the API, and what they changed.

-- API bearer tokens. Only a hash is kept: the token itself is shown once, at creation.
-- token_hash is the sha256 hex of the token. Tokens are 32 random bytes (256 bits of entropy),
-- so nobody can guess one from its hash whatever the hash speed; a slow password hash (bcrypt,
-- scrypt) only protects low-entropy secrets and would cost every request its CPU time. A fast
-- hash also makes the lookup an equality match on a unique index.
CREATE TABLE api_tokens (
  id            text        PRIMARY KEY,
  name          text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('viewer', 'responder', 'admin')),
  token_hash    text        NOT NULL UNIQUE,
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

-- Every change made through the API, with the state before and after (null when created/deleted).
CREATE TABLE audit_log (
  id            bigserial   PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text        NOT NULL,
  actor_role    text,
  action        text        NOT NULL,
  target_type   text        NOT NULL,
  target_id     text        NOT NULL,
  before        jsonb,
  after         jsonb
);
-- Listing is newest first by id (the cursor is an id). The primary key serves the unfiltered
-- list; these serve the filtered ones ("what happened to this token", "what did this actor do").
CREATE INDEX audit_log_target_newest ON audit_log (target_type, target_id, id DESC);
CREATE INDEX audit_log_actor_newest ON audit_log (actor, id DESC);
