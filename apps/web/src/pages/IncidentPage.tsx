import { useState } from 'react';
import { api, formatTime, roleAllows, SEVERITIES, type Approval, type Me, type Run, type Severity } from '../api';
import { Markdown } from '../components/Markdown';
import { SignalsChart } from '../components/SignalsChart';
import { useLiveRefresh } from '../live';
import { href } from '../router';
import { useFetch } from '../useFetch';

type Transition = 'acknowledge' | 'mitigate' | 'resolve' | 'reopen';
const TRANSITIONS: Record<string, Transition[]> = {
  triggered: ['acknowledge', 'mitigate', 'resolve'],
  acknowledged: ['mitigate', 'resolve'],
  mitigated: ['resolve'],
  resolved: ['reopen'],
};
const LABEL: Record<Transition, string> = { acknowledge: 'Acknowledge', mitigate: 'Mitigate', resolve: 'Resolve', reopen: 'Reopen' };

export function IncidentPage({ id, me }: { id: string; me: Me }) {
  const incident = useFetch(() => api.incident(id), `incident:${id}`);
  const timeline = useFetch(() => api.timeline(id), `timeline:${id}`);
  const runs = useFetch(async () => Promise.all((await api.runs(id)).items.map((r) => api.run(r.id))), `runs:${id}`);
  const postmortem = useFetch(() => api.postmortem(id), `postmortem:${id}`);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  useLiveRefresh(() => {
    incident.reload();
    timeline.reload();
    runs.reload();
    postmortem.reload();
  }, id);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await what();
      incident.reload();
      runs.reload();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (incident.error) return <p role="alert" className="error">{incident.error} <a href={href.incidents()}>Back to incidents</a></p>;
  const i = incident.data;
  if (!i) return <p className="loading">Loading…</p>;
  const canRespond = roleAllows(me.role, 'responder');
  return (
    <article aria-labelledby="incident-title" className="incident">
      <header className="incident-header">
        <p><a href={href.incidents()}>← Incidents</a></p>
        <h1 id="incident-title">#{i.number} {i.title}</h1>
        <p className="pills">
          <span className={`pill status ${i.status}`} data-testid="incident-status">{i.status}</span>
          <span className={`pill sev ${i.severity}`} data-testid="incident-severity">{i.severity}</span>
          {i.services.map((s) => (
            <span key={s} className="pill service">{s}</span>
          ))}
        </p>
        <p className="meta">
          Opened {formatTime(i.openedAt)} · acknowledged {formatTime(i.acknowledgedAt)} · resolved {formatTime(i.resolvedAt)}
          {i.commander ? ` · commander ${i.commander}` : ''}
        </p>
        {canRespond && (
          <div className="actions" role="group" aria-label="Incident actions">
            {(TRANSITIONS[i.status] ?? []).map((t) => (
              <button key={t} type="button" disabled={busy} onClick={() => void act(() => api.transition(i.id, t))}>{LABEL[t]}</button>
            ))}
            <label>
              Severity
              <select value={i.severity} disabled={busy} onChange={(e) => void act(() => api.severity(i.id, e.target.value as Severity))}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>{s}</option>
                ))}
              </select>
            </label>
          </div>
        )}
        {actionError && <p role="alert" className="error">{actionError}</p>}
      </header>

      <div className="columns">
        <div>
          <section aria-labelledby="hints-title">
            <h2 id="hints-title">Root-cause hints</h2>
            {i.rootCauseHints.length === 0 && <p>No hints (declared by hand, or no anomaly yet).</p>}
            <ol className="hints">
              {i.rootCauseHints.map((h) => (
                <li key={`${h.service}|${h.signal}`}>
                  <strong>{h.service}</strong> <code>{h.signal}</code> <span className="meta">score {h.score.toFixed(2)}</span>
                  {h.evidence?.summary && <p>{h.evidence.summary}</p>}
                  {(h.evidence?.examples ?? []).length > 0 && (
                    <ul className="examples">
                      {(h.evidence?.examples ?? []).slice(0, 5).map((ex, n) => (
                        <li key={n}>
                          <code className="body">{typeof ex.body === 'string' ? ex.body : JSON.stringify(ex.body)}</code>
                          {ex.traceId && <span className="trace"> trace <code>{ex.traceId}</code></span>}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          </section>

          <section aria-labelledby="signals-title">
            <h2 id="signals-title">Signals: peak observed vs expected</h2>
            <SignalsChart signals={i.signals} />
          </section>

          <section aria-labelledby="runs-title">
            <h2 id="runs-title">Runbook runs</h2>
            {runs.error && <p role="alert" className="error">{runs.error}</p>}
            {runs.data?.length === 0 && <p>No runbook ran for this incident.</p>}
            {(runs.data ?? []).map((run) => (
              <RunCard key={run.id} run={run} me={me} busy={busy} onDecide={(d) => void act(() => api.decide(run.id, d))} />
            ))}
          </section>
        </div>

        <section aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <ol className="timeline" data-testid="timeline">
            {(timeline.data?.items ?? []).map((e) => (
              <li key={e.id} data-type={e.type}>
                <time dateTime={e.at}>{formatTime(e.at)}</time> <span className="actor">{e.actor}</span>
                <div>{e.text}</div>
              </li>
            ))}
          </ol>
        </section>
      </div>

      <section aria-labelledby="postmortem-title">
        <h2 id="postmortem-title">Postmortem</h2>
        {postmortem.error && <p role="alert" className="error">{postmortem.error}</p>}
        {postmortem.data !== null && <Markdown source={postmortem.data} />}
      </section>
    </article>
  );
}

function RunCard({ run, me, busy, onDecide }: { run: Run; me: Me; busy: boolean; onDecide: (d: 'approve' | 'reject') => void }) {
  const pending: Approval | undefined = (run.approvals ?? []).find((a) => a.status === 'pending');
  const mayDecide = pending !== undefined && pending.roles.some((r) => roleAllows(me.role, r));
  return (
    <div className="run" data-testid={`run-${run.runbook}`}>
      <p>
        <strong>{run.runbook}</strong> <span className={`pill run-status ${run.status}`} data-testid="run-status">{run.status}</span>{' '}
        <span className="meta">{formatTime(run.createdAt)}</span>
      </p>
      {run.outcome && <p className="meta">{run.outcome}</p>}
      <ol className="steps">
        {(run.steps ?? []).map((s) => (
          <li key={`${s.phase}:${s.idx}`}>
            {s.phase === 'rollback' ? 'rollback ' : ''}{s.name}: <span className={`step ${s.status}`}>{s.status}</span>
          </li>
        ))}
      </ol>
      {pending && (
        <p>
          Step <strong>{pending.stepName}</strong> waits for a {pending.roles.join(' or ')}.
          {mayDecide && (
            <span className="actions">
              <button type="button" disabled={busy} onClick={() => onDecide('approve')}>Approve</button>
              <button type="button" className="danger" disabled={busy} onClick={() => onDecide('reject')}>Reject</button>
            </span>
          )}
        </p>
      )}
    </div>
  );
}
