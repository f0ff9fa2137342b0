-- Alerts received from other systems over webhooks (Alertmanager, Grafana, PagerDuty, generic).

-- The latest episode of each alert a sender told us about, keyed by the sender's own identity of
-- the alert (Alertmanager/Grafana fingerprint, PagerDuty dedup_key, generic id). It tells a repeat
-- of a firing alert (an `update`) from a new one (an `open`), and lets senders that name an alert
-- only by its key (PagerDuty acknowledge/resolve) recover the episode they opened.
CREATE TABLE inbound_alerts (
  source              text        NOT NULL,
  alert_key           text        NOT NULL,
  episode_id          text        NOT NULL,
  status              text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  started_unix_nano   text        NOT NULL,
  service             text        NOT NULL,
  fingerprint         text        NOT NULL,
  signal              text        NOT NULL,
  summary             text        NOT NULL,
  labels              jsonb       NOT NULL,
  evidence_url        text,
  first_seen_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, alert_key)
);
-- Retention sweeps by age.
CREATE INDEX inbound_alerts_last_seen ON inbound_alerts (last_seen_at);

-- Deliveries of signed webhooks already accepted, by their `webhook-id`: a replay is refused.
-- Kept a while past the signature's timestamp tolerance; anything older fails that check anyway.
CREATE TABLE inbound_webhook_deliveries (
  source        text        NOT NULL,
  delivery_id   text        NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, delivery_id)
);
CREATE INDEX inbound_webhook_deliveries_received ON inbound_webhook_deliveries (received_at);
