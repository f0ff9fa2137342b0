-- Incidents: what the responder makes of anomalies, and everything humans do with them.

-- One row: the responders' shared clock and sequence. Every writer of incidents locks it, so
-- two responders (or a responder and the API) never interleave and never duplicate an incident;
-- `version` tells a responder whether its in-memory correlator is still the latest.
CREATE TABLE responder_state (
  id INT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL,
  watermark_ms BIGINT NOT NULL,
  next_number INT NOT NULL
);
INSERT INTO responder_state (id, version, watermark_ms, next_number) VALUES (1, 0, 0, 1);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  number INT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'mitigated', 'resolved')),
  severity TEXT NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  -- 'auto' until a human sets it; then the responder no longer changes it.
  severity_source TEXT NOT NULL DEFAULT 'auto' CHECK (severity_source IN ('auto', 'human')),
  severity_reason TEXT NOT NULL DEFAULT '',
  customer_facing BOOLEAN NOT NULL DEFAULT false,
  services TEXT[] NOT NULL,
  declared BOOLEAN NOT NULL DEFAULT false,
  declared_by TEXT,
  commander TEXT,
  -- Event time: the first anomalous point, and when the correlator opened it.
  started_at TIMESTAMPTZ NOT NULL,
  opened_at TIMESTAMPTZ NOT NULL,
  -- Wall time the incident was recorded: time to detect is detected_at - started_at.
  detected_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  acknowledged_at TIMESTAMPTZ,
  mitigated_at TIMESTAMPTZ,
  resolved_at TIMESTAMPTZ,
  resolved_by TEXT,
  resolution TEXT,
  last_activity_at TIMESTAMPTZ NOT NULL,
  merged_into TEXT REFERENCES incidents (id),
  -- Inhibited by an open sev1 that explains it: kept and visible, pages no one.
  suppressed_by TEXT REFERENCES incidents (id),
  signature TEXT[] NOT NULL DEFAULT '{}',
  root_cause_hints JSONB NOT NULL DEFAULT '[]',
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX incidents_opened ON incidents (opened_at DESC, id DESC);
CREATE INDEX incidents_live ON incidents (status) WHERE status <> 'resolved';

-- The signals (fingerprints) of each incident, deduplicated with counts.
CREATE TABLE incident_signals (
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  fingerprint TEXT NOT NULL,
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  signal TEXT NOT NULL,
  first_at TIMESTAMPTZ NOT NULL,
  last_at TIMESTAMPTZ NOT NULL,
  events INT NOT NULL,
  peak_score DOUBLE PRECISION NOT NULL,
  peak_observed DOUBLE PRECISION,
  recovered_at TIMESTAMPTZ,
  first_event JSONB NOT NULL,
  PRIMARY KEY (incident_id, fingerprint)
);
CREATE INDEX incident_signals_fingerprint ON incident_signals (fingerprint);

CREATE TABLE incident_timeline (
  id BIGSERIAL PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  at TIMESTAMPTZ NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  data JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at, id);

-- Anomaly events already applied (redeliveries of the at-least-once anomaly topic are dropped).
CREATE TABLE responder_seen_events (
  event_key TEXT PRIMARY KEY,
  seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX responder_seen_events_at ON responder_seen_events (seen_at);

-- Signals kept out of incidents by a silence or maintenance window: stored, never dropped.
CREATE TABLE suppressed_signals (
  event_key TEXT PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  signal TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('silence', 'maintenance')),
  suppressed_by TEXT NOT NULL,
  event JSONB NOT NULL
);
CREATE INDEX suppressed_signals_at ON suppressed_signals (at DESC);

CREATE TABLE silences (
  id TEXT PRIMARY KEY,
  matchers JSONB NOT NULL,
  starts_at TIMESTAMPTZ NOT NULL,
  ends_at TIMESTAMPTZ NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE maintenance_windows (
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  starts_at TIMESTAMPTZ NOT NULL,
  ends_at TIMESTAMPTZ NOT NULL,
  created_by TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE postmortems (
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  revision INT NOT NULL,
  template TEXT NOT NULL,
  markdown TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, revision)
);
