-- Log intelligence: mined templates, their per-minute counts, detector checkpoints, anomalies,
-- and what ingestion redacted.

-- One row per template a service's miner learnt. Ids are the miner's own (stable across restarts
-- through the checkpoint); a template merged into another keeps its row with merged_into set.
CREATE TABLE log_templates (
  service      text        NOT NULL,
  template_id  integer     NOT NULL,
  template     text        NOT NULL,
  count        bigint      NOT NULL DEFAULT 0,
  first_seen   timestamptz NOT NULL,
  last_seen    timestamptz NOT NULL,
  examples     jsonb       NOT NULL DEFAULT '[]'::jsonb,
  merged_into  integer,
  PRIMARY KEY (service, template_id)
);

-- Log counts per service, template, severity bucket and minute (event time).
CREATE TABLE log_template_counts_1m (
  service      text        NOT NULL,
  template_id  integer     NOT NULL,
  minute       timestamptz NOT NULL,
  severity     text        NOT NULL,
  count        bigint      NOT NULL,
  PRIMARY KEY (service, template_id, minute, severity)
);
CREATE INDEX log_template_counts_1m_minute ON log_template_counts_1m (minute);

-- A detector's state for one owner (a service's miner and log watch, a metric series…), written
-- in the same transaction as the consumed offset, so a restart resumes exactly there.
CREATE TABLE detector_checkpoints (
  namespace    text        NOT NULL,
  owner        text        NOT NULL,
  state        jsonb       NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, owner)
);

-- Every anomaly event's latest state; ids are deterministic, so a replay updates in place.
CREATE TABLE anomalies (
  id           text        PRIMARY KEY,
  service      text        NOT NULL,
  kind         text        NOT NULL,
  fingerprint  text        NOT NULL,
  status       text        NOT NULL,
  score        double precision NOT NULL,
  summary      text        NOT NULL,
  opened_at    timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  event        jsonb       NOT NULL
);
CREATE INDEX anomalies_service_opened ON anomalies (service, opened_at DESC);

-- What ingestion masked before storing anything: per service, kind (pan, bearer_token, …), minute.
CREATE TABLE redaction_counts_1m (
  service      text        NOT NULL,
  minute       timestamptz NOT NULL,
  kind         text        NOT NULL,
  count        bigint      NOT NULL,
  PRIMARY KEY (service, minute, kind)
);
