-- Log records as ingest normalizes them from OTLP. record_key makes writes idempotent:
-- a message consumed twice (crash before commit, producer retry) lands once.
CREATE TABLE log_records (
  id                      BIGSERIAL PRIMARY KEY,
  record_key              TEXT NOT NULL UNIQUE,
  service                 TEXT NOT NULL,
  time                    TIMESTAMPTZ NOT NULL,
  time_unix_nano          NUMERIC(20, 0) NOT NULL,
  observed_time_unix_nano NUMERIC(20, 0) NOT NULL,
  severity_number         SMALLINT NOT NULL,
  severity_text           TEXT NOT NULL,
  body                    JSONB,
  attributes              JSONB NOT NULL,
  resource                JSONB NOT NULL,
  scope_name              TEXT NOT NULL,
  scope_version           TEXT NOT NULL,
  trace_id                TEXT,
  span_id                 TEXT,
  flags                   INTEGER NOT NULL,
  source                  TEXT NOT NULL,
  ingested_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX log_records_service_time ON log_records (service, time DESC);
CREATE INDEX log_records_time ON log_records (time DESC);
CREATE INDEX log_records_trace ON log_records (trace_id) WHERE trace_id IS NOT NULL;
