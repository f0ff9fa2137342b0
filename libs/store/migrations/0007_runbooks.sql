-- Runbook runs: durable, resumable by any responder, every step keyed for idempotency.

CREATE TABLE runbook_runs (
  id TEXT PRIMARY KEY,
  runbook TEXT NOT NULL,
  -- One run per runbook per trigger occurrence, however many responders see the trigger.
  trigger_key TEXT NOT NULL,
  trigger JSONB NOT NULL,
  incident_id TEXT REFERENCES incidents (id),
  fingerprint TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'waiting_approval', 'running', 'verifying', 'rolling_back',
    'succeeded', 'failed', 'rolled_back', 'escalated', 'rejected', 'blocked', 'cancelled')),
  blocked_guard TEXT,
  outcome TEXT NOT NULL DEFAULT '',
  dry_run BOOLEAN NOT NULL,
  plan JSONB NOT NULL,
  targets TEXT[] NOT NULL,
  phase TEXT NOT NULL DEFAULT 'main' CHECK (phase IN ('main', 'rollback')),
  current_step INT NOT NULL DEFAULT 0,
  next_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  lease_owner TEXT,
  lease_until TIMESTAMPTZ,
  healed_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  UNIQUE (runbook, trigger_key)
);
CREATE INDEX runbook_runs_due ON runbook_runs (next_at) WHERE status IN ('pending', 'waiting_approval', 'running', 'verifying', 'rolling_back');
CREATE INDEX runbook_runs_recent ON runbook_runs (runbook, created_at DESC);
CREATE INDEX runbook_runs_incident ON runbook_runs (incident_id);

CREATE TABLE runbook_run_steps (
  run_id TEXT NOT NULL REFERENCES runbook_runs (id),
  phase TEXT NOT NULL CHECK (phase IN ('main', 'rollback')),
  idx INT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  action TEXT,
  target TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'waiting')),
  -- Sent to the target (Idempotency-Key, webhook-id): a resumed step repeats the same key.
  idempotency_key TEXT NOT NULL UNIQUE,
  attempts INT NOT NULL DEFAULT 1,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  detail TEXT NOT NULL DEFAULT '',
  data JSONB NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, phase, idx)
);

CREATE TABLE runbook_approvals (
  run_id TEXT NOT NULL REFERENCES runbook_runs (id),
  step_idx INT NOT NULL,
  step_name TEXT NOT NULL,
  roles TEXT[] NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'timed_out')),
  requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  timeout_at TIMESTAMPTZ NOT NULL,
  decided_by TEXT,
  decided_at TIMESTAMPTZ,
  comment TEXT,
  PRIMARY KEY (run_id, step_idx)
);
CREATE INDEX runbook_approvals_pending ON runbook_approvals (status) WHERE status = 'pending';

CREATE TABLE runbook_settings (
  id INT PRIMARY KEY CHECK (id = 1),
  kill_switch BOOLEAN NOT NULL DEFAULT false,
  updated_by TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO runbook_settings (id, kill_switch) VALUES (1, false);
