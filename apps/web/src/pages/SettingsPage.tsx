import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, formatTime, roleAllows, type Issue, type Matcher, type Me, type Role } from '../api';
import { useFetch } from '../useFetch';

const LABELS = ['service', 'kind', 'signal', 'fingerprint'] as const;
const OPS = ['=', '!=', '=~', '!~'] as const;
const ROLES: Role[] = ['viewer', 'responder', 'admin'];

/** A datetime-local value `hours` from now (the browser's time zone). */
const localIn = (hours: number): string => {
  const d = new Date(Date.now() + hours * 3_600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};
/** datetime-local → ISO; empty or unparseable goes as is and the API's 400 names it. */
const toIso = (local: string): string => {
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? local : new Date(ms).toISOString();
};

/** Submits, and keeps the 400's issues (by field path) or the error message. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      await what();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.issues.length) setIssues(e.issues);
      else setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  /** The issues of a field (`endsAt`) or of anything under it (`matchers` → `matchers.0.value`). */
  const issueFor = (path: string, exact = false): ReactNode => {
    const mine = issues.filter((i) => i.path === path || (!exact && i.path.startsWith(`${path}.`)));
    return mine.length ? <span className="field-error" role="alert">{mine.map((i) => i.message).join('; ')}</span> : null;
  };
  const other = (paths: string[]): ReactNode => {
    const rest = issues.filter((i) => !paths.some((p) => i.path === p || i.path.startsWith(`${p}.`)));
    const text = [...rest.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)), ...(error ? [error] : [])].join('; ');
    return text ? <p role="alert" className="error">{text}</p> : null;
  };
  return { busy, run, issueFor, other };
}

const ErrorLine = ({ error }: { error: string | null }) => (error ? <p role="alert" className="error">{error}</p> : null);

/** Slack sync status, silences, maintenance windows; for admins also API tokens and webhook subscriptions. */
export function SettingsPage({ me }: { me: Me }) {
  const isAdmin = roleAllows(me.role, 'admin');
  const canAct = roleAllows(me.role, 'responder');
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">Settings</h1>
      <SlackSection />
      <SilencesSection canAct={canAct} />
      <MaintenanceSection canAct={canAct} />
      {isAdmin && <TokensSection />}
      {isAdmin && <WebhooksSection />}
    </section>
  );
}

function SlackSection() {
  const { data, error } = useFetch(() => api.slackStatus(), 'slack');
  return (
    <section aria-labelledby="slack-title">
      <h2 id="slack-title">Slack</h2>
      <ErrorLine error={error} />
      {data && !data.enabled && <p className="card" data-testid="slack-status">Slack is off (no <code>SLACK_BOT_TOKEN</code>).</p>}
      {data && data.enabled && (
        <div className={`card${data.behind > 0 ? ' warning' : ''}`} data-testid="slack-status">
          <p>
            Slack is on · <strong data-testid="slack-behind">{data.behind}</strong> change{data.behind === 1 ? '' : 's'} not in Slack yet
            {data.pausedUntil ? ` · paused by Slack's rate limit until ${formatTime(data.pausedUntil)}` : ''}
          </p>
          <p className="meta">
            Last success {formatTime(data.lastSuccessAt)}
            {data.lastError ? (
              <>
                {' '}· last error {formatTime(data.lastErrorAt)}: <code>{data.lastError}</code>
              </>
            ) : (
              ' · no error'
            )}
          </p>
        </div>
      )}
    </section>
  );
}

function SilencesSection({ canAct }: { canAct: boolean }) {
  const list = useFetch(() => api.silences(), 'silences');
  const submit = useSubmit();
  const [matchers, setMatchers] = useState<Matcher[]>([{ label: 'service', op: '=', value: '' }]);
  const [actionError, setActionError] = useState<string | null>(null);
  const setMatcher = (i: number, change: Partial<Matcher>) => setMatchers((ms) => ms.map((m, j) => (j === i ? { ...m, ...change } : m)));

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const ok = await submit.run(() => api.createSilence({ matchers, comment: String(data.get('comment') ?? ''), endsAt: toIso(String(data.get('endsAt') ?? '')) }));
    if (ok) {
      form.reset();
      setMatchers([{ label: 'service', op: '=', value: '' }]);
      list.reload();
    }
  };
  const expire = async (id: string) => {
    setActionError(null);
    try {
      await api.expireSilence(id);
    } catch (e) {
      setActionError((e as Error).message);
    }
    list.reload();
  };

  return (
    <section aria-labelledby="silences-title">
      <h2 id="silences-title">Silences</h2>
      <ErrorLine error={list.error ?? actionError} />
      {list.data && list.data.items.length === 0 && <p className="meta">No silences.</p>}
      <ul className="rules" data-testid="silences">
        {list.data?.items.map((s) => (
          <li key={s.id} className={s.active ? 'active' : undefined} data-active={s.active} data-testid="silence">
            <span className={`pill ${s.active ? 'on' : ''}`}>{s.active ? 'active' : new Date(s.startsAt).getTime() > Date.now() ? 'scheduled' : 'expired'}</span>
            <code>{s.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')}</code>
            <span className="comment">{s.comment}</span>
            <span className="meta">
              {formatTime(s.startsAt)} → {formatTime(s.endsAt)} · by {s.createdBy}
            </span>
            {canAct && s.active && (
              <button type="button" onClick={() => void expire(s.id)}>
                Expire
              </button>
            )}
          </li>
        ))}
      </ul>
      {canAct && (
        <form className="rule-form" onSubmit={(e) => void create(e)} aria-label="New silence" noValidate>
          <h3>New silence</h3>
          {matchers.map((m, i) => (
            <fieldset key={i} className="matcher">
              <legend>Matcher {i + 1}</legend>
              <label>
                Label
                <select value={m.label} onChange={(e) => setMatcher(i, { label: e.target.value })}>
                  {LABELS.map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
              </label>
              <label>
                Op
                <select value={m.op} onChange={(e) => setMatcher(i, { op: e.target.value })}>
                  {OPS.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              </label>
              <label>
                Value
                <input value={m.value} onChange={(e) => setMatcher(i, { value: e.target.value })} />
              </label>
              {matchers.length > 1 && (
                <button type="button" className="link" onClick={() => setMatchers((ms) => ms.filter((_, j) => j !== i))}>
                  Remove
                </button>
              )}
              {submit.issueFor(`matchers.${i}`)}
            </fieldset>
          ))}
          {submit.issueFor('matchers', true)}
          <button type="button" className="link" onClick={() => setMatchers((ms) => [...ms, { label: 'service', op: '=', value: '' }])}>
            Add matcher
          </button>
          <label>
            Comment
            <input name="comment" />
            {submit.issueFor('comment')}
          </label>
          <label>
            Ends at
            <input name="endsAt" type="datetime-local" defaultValue={localIn(2)} />
            {submit.issueFor('endsAt')}
          </label>
          {submit.other(['matchers', 'comment', 'endsAt'])}
          <button type="submit" disabled={submit.busy}>
            Create silence
          </button>
        </form>
      )}
    </section>
  );
}

function MaintenanceSection({ canAct }: { canAct: boolean }) {
  const list = useFetch(() => api.maintenanceWindows(), 'maintenance');
  const submit = useSubmit();
  const [actionError, setActionError] = useState<string | null>(null);
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const ok = await submit.run(() =>
      api.createMaintenanceWindow({ service: String(data.get('service') ?? ''), reason: String(data.get('reason') ?? ''), endsAt: toIso(String(data.get('endsAt') ?? '')) }),
    );
    if (ok) {
      form.reset();
      list.reload();
    }
  };
  const end = async (id: string) => {
    setActionError(null);
    try {
      await api.endMaintenanceWindow(id);
    } catch (e) {
      setActionError((e as Error).message);
    }
    list.reload();
  };
  return (
    <section aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">Maintenance windows</h2>
      <ErrorLine error={list.error ?? actionError} />
      {list.data && list.data.items.length === 0 && <p className="meta">No maintenance windows.</p>}
      <ul className="rules" data-testid="maintenance-windows">
        {list.data?.items.map((w) => (
          <li key={w.id} className={w.active ? 'active' : undefined} data-active={w.active} data-testid="maintenance-window">
            <span className={`pill ${w.active ? 'on' : ''}`}>{w.active ? 'active' : new Date(w.startsAt).getTime() > Date.now() ? 'scheduled' : 'ended'}</span>
            <strong>{w.service}</strong>
            <span className="comment">{w.reason}</span>
            <span className="meta">
              {formatTime(w.startsAt)} → {formatTime(w.endsAt)} · by {w.createdBy}
            </span>
            {canAct && w.active && (
              <button type="button" onClick={() => void end(w.id)}>
                End now
              </button>
            )}
          </li>
        ))}
      </ul>
      {canAct && (
        <form className="rule-form" onSubmit={(e) => void create(e)} aria-label="New maintenance window" noValidate>
          <h3>New maintenance window</h3>
          <label>
            Service
            <input name="service" />
            {submit.issueFor('service')}
          </label>
          <label>
            Reason
            <input name="reason" />
            {submit.issueFor('reason')}
          </label>
          <label>
            Ends at
            <input name="endsAt" type="datetime-local" defaultValue={localIn(1)} />
            {submit.issueFor('endsAt')}
          </label>
          {submit.other(['service', 'reason', 'endsAt'])}
          <button type="submit" disabled={submit.busy}>
            Start maintenance
          </button>
        </form>
      )}
    </section>
  );
}

function TokensSection() {
  const list = useFetch(() => api.tokens(), 'tokens');
  const submit = useSubmit();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    let made: { name: string; token: string } | null = null;
    const ok = await submit.run(async () => {
      made = await api.createToken({ name: String(data.get('name') ?? ''), role: String(data.get('role') ?? 'viewer') as Role });
    });
    if (ok) {
      setCreated(made);
      form.reset();
      list.reload();
    }
  };
  const revoke = async (id: string) => {
    setActionError(null);
    try {
      await api.revokeToken(id);
    } catch (e) {
      setActionError((e as Error).message);
    }
    list.reload();
  };
  return (
    <section aria-labelledby="tokens-title" data-testid="tokens-section">
      <h2 id="tokens-title">API tokens</h2>
      <ErrorLine error={list.error ?? actionError} />
      {created && (
        <div className="card secret" data-testid="new-token">
          <p>
            Token for <strong>{created.name}</strong>: copy it now, it is not shown again.
          </p>
          <code data-testid="new-token-value">{created.token}</code>
          <button type="button" className="link" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <div className="table-wrap">
        <table className="data" data-testid="tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((t) => (
              <tr key={t.id} data-name={t.name} className={t.revokedAt ? 'revoked' : undefined}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>
                  {formatTime(t.createdAt)} <span className="meta">by {t.createdBy}</span>
                </td>
                <td>{formatTime(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span className="meta">revoked {formatTime(t.revokedAt)}</span>
                  ) : (
                    <button type="button" className="danger" onClick={() => void revoke(t.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="rule-form" onSubmit={(e) => void create(e)} aria-label="New API token" noValidate>
        <h3>New API token</h3>
        <label>
          Token name
          <input name="name" />
          {submit.issueFor('name')}
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          {submit.issueFor('role')}
        </label>
        {submit.other(['name', 'role'])}
        <button type="submit" disabled={submit.busy}>
          Create token
        </button>
      </form>
    </section>
  );
}

function Deliveries({ subscriptionId }: { subscriptionId: string }) {
  const { data, error } = useFetch(() => api.webhookDeliveries(subscriptionId), subscriptionId);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <p className="loading">Loading…</p>;
  if (data.items.length === 0) return <p className="meta" data-testid="deliveries">No deliveries yet.</p>;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="deliveries">
        <thead>
          <tr>
            <th>Event</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((d) => (
            <tr key={d.id} data-status={d.status}>
              <td>
                {d.eventType} <span className="meta">{formatTime(d.createdAt)}</span>
              </td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>
                {d.lastStatusCode ?? '—'}
                {d.lastError ? <span className="meta"> {d.lastError}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WebhooksSection() {
  const list = useFetch(() => api.webhookSubscriptions(), 'webhook-subscriptions');
  const submit = useSubmit();
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const eventTypes = String(data.get('eventTypes') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const description = String(data.get('description') ?? '').trim();
    let made: { url: string; secret: string } | null = null;
    const ok = await submit.run(async () => {
      made = await api.createWebhookSubscription({ url: String(data.get('url') ?? ''), eventTypes, ...(description ? { description } : {}) });
    });
    if (ok) {
      setCreated(made);
      form.reset();
      list.reload();
    }
  };
  const disable = async (id: string) => {
    setActionError(null);
    try {
      await api.disableWebhookSubscription(id);
    } catch (e) {
      setActionError((e as Error).message);
    }
    list.reload();
  };
  return (
    <section aria-labelledby="webhooks-title" data-testid="webhooks-section">
      <h2 id="webhooks-title">Webhook subscriptions</h2>
      <ErrorLine error={list.error ?? actionError} />
      {created && (
        <div className="card secret" data-testid="new-secret">
          <p>
            Signing secret for <code>{created.url}</code>: copy it now, it is not shown again.
          </p>
          <code data-testid="new-secret-value">{created.secret}</code>
          <button type="button" className="link" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {list.data && list.data.items.length === 0 && <p className="meta">No subscriptions.</p>}
      <ul className="rules" data-testid="webhook-subscriptions">
        {list.data?.items.map((s) => (
          <li key={s.id} className={s.disabledAt ? undefined : 'active'} data-testid="webhook-subscription">
            <code>{s.url}</code>
            <span className="comment">{s.eventTypes.join(', ')}</span>
            {s.description && <span className="meta">{s.description}</span>}
            <span className="meta">
              {s.disabledAt ? `disabled ${formatTime(s.disabledAt)}` : `since ${formatTime(s.createdAt)}`} · by {s.createdBy}
            </span>
            <span className="actions">
              <button type="button" className="link" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>
                Deliveries
              </button>
              {!s.disabledAt && (
                <button type="button" className="danger" onClick={() => void disable(s.id)}>
                  Disable
                </button>
              )}
            </span>
            {open === s.id && <Deliveries subscriptionId={s.id} />}
          </li>
        ))}
      </ul>
      <form className="rule-form" onSubmit={(e) => void create(e)} aria-label="New webhook subscription" noValidate>
        <h3>New webhook subscription</h3>
        <label>
          URL
          <input name="url" type="url" />
          {submit.issueFor('url')}
        </label>
        <label>
          Event types
          <input name="eventTypes" defaultValue="incident.*" />
          {submit.issueFor('eventTypes')}
        </label>
        <label>
          Description
          <input name="description" />
          {submit.issueFor('description')}
        </label>
        {submit.other(['url', 'eventTypes', 'description'])}
        <button type="submit" disabled={submit.busy}>
          Subscribe
        </button>
      </form>
    </section>
  );
}
