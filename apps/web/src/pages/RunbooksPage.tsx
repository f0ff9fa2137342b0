import { useState, type FormEvent } from 'react';
import { api, formatTime, roleAllows, type Me, type PendingApproval, type RunbookInfo } from '../api';
import { useLiveRefresh } from '../live';
import { useFetch } from '../useFetch';

const triggerText = (t: Record<string, unknown>): string => {
  const { on, ...rest } = t;
  const args = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${String(on)}${args.length ? `(${args.join(', ')})` : ''}`;
};

const guardsText = (g: RunbookInfo['guards']): string =>
  [
    `cooldown ${g.cooldownMinutes} min`,
    `≤ ${g.maxRunsPerHour} runs/h`,
    `≤ ${g.maxConcurrentRuns} at once`,
    `≤ ${g.blastRadius.maxTargets} target${g.blastRadius.maxTargets === 1 ? '' : 's'}${g.blastRadius.maxReplicaPercent ? ` / ${g.blastRadius.maxReplicaPercent}% replicas` : ''}`,
    ...(g.freezeWindows.length ? [`${g.freezeWindows.length} freeze window${g.freezeWindows.length === 1 ? '' : 's'}`] : []),
  ].join(' · ');

/** The runbooks folder as loaded: runbooks, file errors, efficacy, the kill switch and the approvals waiting for someone. */
export function RunbooksPage({ me }: { me: Me }) {
  const runbooks = useFetch(() => api.runbooks(), 'runbooks');
  const approvals = useFetch(() => api.approvals(), 'approvals');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  useLiveRefresh(() => {
    runbooks.reload();
    approvals.reload();
  });

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await what();
      runbooks.reload();
      approvals.reload();
      return true;
    } catch (e) {
      setActionError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const data = runbooks.data;
  const killSwitch = data?.killSwitch;
  const isAdmin = roleAllows(me.role, 'admin');
  const toggle = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!killSwitch) return;
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    if (!reason) return;
    if (await act(() => api.setKillSwitch(!killSwitch.on, reason))) setConfirming(false);
  };

  return (
    <section aria-labelledby="runbooks-title">
      <h1 id="runbooks-title">Runbooks</h1>
      {runbooks.error && <p role="alert" className="error">{runbooks.error}</p>}
      {actionError && <p role="alert" className="error">{actionError}</p>}

      {killSwitch && (
        <div className={`killswitch ${killSwitch.on ? 'on' : 'off'}`} data-testid="kill-switch">
          <p>
            Kill switch: <strong data-testid="kill-switch-state">{killSwitch.on ? 'on' : 'off'}</strong>
            <span className="meta"> — {killSwitch.on ? 'no run starts or takes another step' : 'runbooks run as their triggers and guards allow'}
              {killSwitch.updatedBy ? ` · set by ${killSwitch.updatedBy} ${formatTime(new Date(killSwitch.updatedAtMs).toISOString())}` : ''}</span>
          </p>
          {isAdmin && !confirming && (
            <button type="button" className={killSwitch.on ? undefined : 'danger'} onClick={() => setConfirming(true)}>
              {killSwitch.on ? 'Turn kill switch off' : 'Turn kill switch on'}
            </button>
          )}
          {isAdmin && confirming && (
            <form className="actions" onSubmit={(e) => void toggle(e)} aria-label="Kill switch change">
              <label>
                Reason
                <input name="reason" required maxLength={1000} autoFocus placeholder="why (goes to the audit log)" />
              </label>
              <button type="submit" className={killSwitch.on ? undefined : 'danger'} disabled={busy}>{killSwitch.on ? 'Confirm: off' : 'Confirm: on'}</button>
              <button type="button" className="link" onClick={() => setConfirming(false)}>Cancel</button>
            </form>
          )}
        </div>
      )}

      <h2 id="approvals-title">Waiting for approval</h2>
      {approvals.error && <p role="alert" className="error">{approvals.error}</p>}
      {approvals.data?.items.length === 0 && <p>Nothing waits for a decision.</p>}
      <ul className="approvals" data-testid="approvals" aria-labelledby="approvals-title">
        {(approvals.data?.items ?? []).map((a) => (
          <ApprovalItem key={`${a.runId}:${a.stepName}`} approval={a} me={me} busy={busy} onDecide={(d) => void act(() => api.decide(a.runId, d))} />
        ))}
      </ul>

      <h2 id="list-title">In the folder{data?.folder ? <> <code className="meta">{data.folder}</code></> : null}</h2>
      {!data && !runbooks.error && <p className="loading">Loading…</p>}
      {data && data.runbooks.length === 0 && <p>No valid runbook loaded.</p>}
      <ul className="runbooks" aria-labelledby="list-title">
        {(data?.runbooks ?? []).map((r) => (
          <li key={r.name} className="run" data-testid={`runbook-${r.name}`}>
            <p>
              <strong>{r.name}</strong> <span className={`pill risk ${r.risk}`} data-testid="risk">risk {r.risk}</span>
              {r.dryRun && <span className="pill">dry run</span>}
              {r.efficacy?.demoted && <span className="pill demoted">demoted</span>}
            </p>
            {r.description && <p>{r.description}</p>}
            <dl className="facts">
              <dt>Triggers</dt>
              <dd>{r.triggers.map((t, n) => <code key={n} className="trigger">{triggerText(t)}</code>)}</dd>
              <dt>Guards</dt>
              <dd>{guardsText(r.guards)}</dd>
              <dt>Steps</dt>
              <dd>{r.steps.map((s) => `${s.name} (${s.type})`).join(' → ')}</dd>
              <dt>Efficacy (30 days)</dt>
              <dd data-testid="efficacy">
                {r.efficacy
                  ? `${r.efficacy.succeeded} of ${r.efficacy.runs} runs succeeded${r.efficacy.successRate === null ? '' : ` (${Math.round(r.efficacy.successRate * 100)}%)`}`
                  : 'no finished runs'}
                {r.efficacy?.demoted && <span className="error"> — demoted: {r.efficacy.demoted.reason}</span>}
              </dd>
              <dt>File</dt>
              <dd><code>{r.file}</code>{r.owner ? ` · owner ${r.owner}` : ''}</dd>
            </dl>
          </li>
        ))}
      </ul>

      {data && data.errors.length > 0 && (
        <>
          <h2 id="errors-title">Files with errors (not loaded)</h2>
          <ul className="file-errors" data-testid="runbook-errors" aria-labelledby="errors-title">
            {data.errors.map((e, n) => (
              <li key={n}>
                <code>{`${e.file}:${e.line}:${e.column}: ${e.path === '(root)' ? '' : `${e.path}: `}${e.message}`}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ApprovalItem({ approval, me, busy, onDecide }: { approval: PendingApproval; me: Me; busy: boolean; onDecide: (d: 'approve' | 'reject') => void }) {
  const mayDecide = approval.roles.some((r) => roleAllows(me.role, r));
  return (
    <li className="run" data-testid={`approval-${approval.runId}`}>
      <p>
        Run <code>{approval.runId}</code>, step <strong>{approval.stepName}</strong> waits for a {approval.roles.join(' or ')}
        <span className="meta"> · asked {formatTime(approval.requestedAt)} · times out {formatTime(approval.timeoutAt)}</span>
      </p>
      {mayDecide && (
        <span className="actions">
          <button type="button" disabled={busy} onClick={() => onDecide('approve')}>Approve</button>
          <button type="button" className="danger" disabled={busy} onClick={() => onDecide('reject')}>Reject</button>
        </span>
      )}
    </li>
  );
}
