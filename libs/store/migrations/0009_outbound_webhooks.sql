-- Outbound webhooks: who wants which events, and every delivery owed to them (a transactional
-- outbox). A delivery row is written in the same transaction as the change it announces, so an
-- incident change and its notification commit together or not at all; dispatchers in any number
-- of processes claim due rows with FOR UPDATE SKIP LOCKED and POST them, signed the Standard
-- Webhooks way (standardwebhooks.com).

CREATE TABLE webhook_subscriptions (
  id            text        PRIMARY KEY,
  url           text        NOT NULL CHECK (url ~* '^https?://'),
  -- whsec_<base64>: the HMAC key. Kept as is (it signs every delivery), shown to its creator once.
  secret        text        NOT NULL,
  -- Exact types (incident.acknowledged), a namespace (incident.*, run.*) or * for everything.
  event_types   text[]      NOT NULL CHECK (cardinality(event_types) > 0),
  description   text,
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);

-- One row per (subscription, event). id is the webhook-id header: the same on every attempt, so a
-- receiver dedupes on it (a delivery is re-sent when a dispatcher dies between send and record).
CREATE TABLE webhook_deliveries (
  id               text        PRIMARY KEY,
  subscription_id  text        NOT NULL REFERENCES webhook_subscriptions (id),
  event_type       text        NOT NULL,
  event_id         text        NOT NULL,
  -- The body as sent: {type, timestamp, data}.
  payload          jsonb       NOT NULL,
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  -- Attempts started (counted when claimed).
  attempts         integer     NOT NULL DEFAULT 0,
  -- When a pending delivery is due; while one is in flight, the end of its claim (lease).
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (subscription_id, event_id)
);

-- Claiming: the due pending rows, oldest due first. Partial, so delivered history costs nothing.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The delivery log: newest first, overall or per subscription (the cursor is created_at, id).
CREATE INDEX webhook_deliveries_newest ON webhook_deliveries (created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_subscription_newest ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
