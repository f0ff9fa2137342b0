-- Which services call which, learnt at ingestion from trace spans whose parent span is in another
-- service (a CLIENT span and its SERVER child, a PRODUCER span and its CONSUMER child): calls per
-- caller, callee and minute (the minute the caller's span ended). Additive like the other
-- rollups, written in each batch's transaction with its offsets; kept as long as the rollups.
CREATE TABLE service_calls_1m (
  caller  text        NOT NULL,
  callee  text        NOT NULL,
  minute  timestamptz NOT NULL,
  calls   bigint      NOT NULL,
  PRIMARY KEY (caller, callee, minute)
);
CREATE INDEX service_calls_1m_minute ON service_calls_1m (minute);
