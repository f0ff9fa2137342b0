-- Exactly-once effects: the next source offset not yet applied, per topic partition, updated in
-- the same transaction as the rollups. A batch redelivered after a crash or a rebalance skips
-- what this row says is already in. `namespace` separates bus instances (the in-process bus
-- starts its offsets at 0 in every process).
CREATE TABLE ingest_offsets (
  namespace      TEXT NOT NULL,
  topic          TEXT NOT NULL,
  partition      INTEGER NOT NULL,
  next_offset    BIGINT NOT NULL,
  consumer_group TEXT NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, topic, partition)
);

ALTER TABLE log_records ADD COLUMN event_name TEXT NOT NULL DEFAULT '';

CREATE FUNCTION vigil_array_add(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN a IS NULL THEN b
    WHEN b IS NULL THEN a
    WHEN cardinality(a) <> cardinality(b) THEN b
    ELSE ARRAY(SELECT x + y FROM unnest(a, b) AS t(x, y))
  END
$$;

CREATE TABLE log_counts_1m (
  service  TEXT NOT NULL,
  minute   TIMESTAMPTZ NOT NULL,
  severity TEXT NOT NULL,
  count    BIGINT NOT NULL,
  PRIMARY KEY (service, minute, severity)
);
CREATE INDEX log_counts_1m_minute ON log_counts_1m (minute);

CREATE TABLE span_red_1m (
  service          TEXT NOT NULL,
  operation        TEXT NOT NULL,
  kind             TEXT NOT NULL,
  minute           TIMESTAMPTZ NOT NULL,
  requests         BIGINT NOT NULL,
  errors           BIGINT NOT NULL,
  duration_sum_ms  DOUBLE PRECISION NOT NULL,
  duration_max_ms  DOUBLE PRECISION NOT NULL,
  duration_buckets DOUBLE PRECISION[] NOT NULL,
  PRIMARY KEY (service, operation, kind, minute)
);
CREATE INDEX span_red_1m_minute ON span_red_1m (minute);

CREATE TABLE metric_series (
  series_key  TEXT PRIMARY KEY,
  service     TEXT NOT NULL,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL,
  unit        TEXT NOT NULL,
  temporality TEXT NOT NULL,
  attributes  JSONB NOT NULL,
  resource    JSONB NOT NULL,
  first_seen  TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX metric_series_service_name ON metric_series (service, name);

-- Delta and gauge points merge additively; cumulative ones keep the latest point of the minute.
CREATE TABLE metric_rollups_1m (
  series_key           TEXT NOT NULL,
  minute               TIMESTAMPTZ NOT NULL,
  cumulative           BOOLEAN NOT NULL,
  points               BIGINT NOT NULL,
  value_sum            DOUBLE PRECISION NOT NULL,
  value_min            DOUBLE PRECISION,
  value_max            DOUBLE PRECISION,
  last_value           DOUBLE PRECISION,
  last_time_unix_nano  NUMERIC(20, 0) NOT NULL,
  start_time_unix_nano NUMERIC(20, 0) NOT NULL,
  count                DOUBLE PRECISION,
  sum                  DOUBLE PRECISION,
  bounds               DOUBLE PRECISION[],
  buckets              DOUBLE PRECISION[],
  detail               JSONB,
  PRIMARY KEY (series_key, minute)
);
CREATE INDEX metric_rollups_1m_minute ON metric_rollups_1m (minute);

-- Evidence: a sample of spans (errors and slow ones first), not every span.
CREATE TABLE span_samples (
  trace_id       TEXT NOT NULL,
  span_id        TEXT NOT NULL,
  service        TEXT NOT NULL,
  operation      TEXT NOT NULL,
  kind           TEXT NOT NULL,
  parent_span_id TEXT,
  start_time     TIMESTAMPTZ NOT NULL,
  duration_ms    DOUBLE PRECISION NOT NULL,
  status_code    TEXT NOT NULL,
  status_message TEXT NOT NULL,
  attributes     JSONB NOT NULL,
  resource       JSONB NOT NULL,
  source         TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX span_samples_service_time ON span_samples (service, start_time DESC);
