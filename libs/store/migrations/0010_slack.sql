-- Slack outbound: one channel per incident at or above SLACK_MIN_SEVERITY, with a card kept
-- up to date in place and every timeline entry posted in the card's thread. SlackSync (libs/slack)
-- reads incident_timeline in id order from a cursor, one process at a time (a lease on the state
-- row), and records here what it already did in Slack so a retry never does it twice.

CREATE TABLE slack_incident_channels (
  incident_id  TEXT        PRIMARY KEY REFERENCES incidents (id),
  channel_id   TEXT        UNIQUE,
  channel_name TEXT,
  -- The incident card (chat.postMessage once, then chat.update in place) and the thread every
  -- timeline entry is posted to (the card's ts).
  card_ts      TEXT,
  thread_ts    TEXT,
  -- Set-up already done, so a retry redoes only what is missing: responders invited, topic as set.
  invited_at   TIMESTAMPTZ,
  topic        TEXT,
  -- Slack said the channel is archived or gone: nothing more is sent to it.
  closed_at    TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What was (or is being) posted for a key: `card:<incident id>`, `entry:<timeline id>`,
-- `postmortem:<timeline id>`. The row is written before the Slack call (ts null: outcome unknown)
-- and completed after it; a retry that finds a row without ts first looks in Slack for the message
-- (it carries the key in its metadata) before posting again, so a response lost on the way back
-- (timeout, connection reset, crash) never turns into a duplicate message.
CREATE TABLE slack_messages (
  key         TEXT        PRIMARY KEY,
  incident_id TEXT        NOT NULL REFERENCES incidents (id),
  channel_id  TEXT        NOT NULL,
  ts          TEXT,
  file_id     TEXT,
  started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  done_at     TIMESTAMPTZ
);
CREATE INDEX slack_messages_incident ON slack_messages (incident_id);

-- The single cursor over incident_timeline and who may advance it (lease_owner until lease_until).
CREATE TABLE slack_sync_state (
  id               INT         PRIMARY KEY CHECK (id = 1),
  last_timeline_id BIGINT      NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_until      TIMESTAMPTZ,
  last_error       TEXT,
  last_error_at    TIMESTAMPTZ,
  last_success_at  TIMESTAMPTZ,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Start at the end of the timeline: enabling Slack on an existing installation does not replay
-- history into new channels.
INSERT INTO slack_sync_state (id, last_timeline_id) SELECT 1, COALESCE(max(id), 0) FROM incident_timeline;
