import { useEffect, useState, type FormEvent } from 'react';
import { ANOMALY_KINDS, api, formatTime, type Anomaly, type LogTemplate } from '../api';
import { href } from '../router';
import { useFetch } from '../useFetch';

const PAGE = 50;
const FILTERS = ['service', 'kind', 'minScore', 'status'] as const;

/** The anomalies explorer (filters live in the address: #/signals?service=…&kind=…) and a service's log templates. */
export function SignalsPage({ query }: { query: URLSearchParams }) {
  const service = query.get('service') ?? '';
  const filters = new URLSearchParams();
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) filters.set(name, value);
  }
  const filterKey = filters.toString();
  const [items, setItems] = useState<Anomaly[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const loadMore = (cursor: string) => {
    const params = new URLSearchParams(filterKey);
    params.set('limit', String(PAGE));
    params.set('cursor', cursor);
    setLoading(true);
    return api.anomalies(params).then(
      (page) => {
        setItems((before) => [...before, ...page.items]);
        setNext(page.nextCursor);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        setError(e.message);
        setLoading(false);
      },
    );
  };
  useEffect(() => {
    let current = true;
    setItems([]);
    setNext(null);
    const params = new URLSearchParams(filterKey);
    params.set('limit', String(PAGE));
    setLoading(true);
    api.anomalies(params).then(
      (page) => {
        if (!current) return;
        setItems(page.items);
        setNext(page.nextCursor);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        if (!current) return;
        setError(e.message);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [filterKey]);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const nextQuery = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) nextQuery.set(name, value);
    }
    window.location.hash = href.signals(nextQuery);
  };

  return (
    <section aria-labelledby="signals-title">
      <h1 id="signals-title">Signals</h1>
      <h2 id="anomalies-title">Anomalies</h2>
      <form className="filters" onSubmit={apply} aria-label="Anomaly filters" key={filterKey}>
        <label>
          Service
          <input name="service" defaultValue={service} placeholder="any" size={14} />
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={query.get('kind') ?? ''}>
            <option value="">any</option>
            {ANOMALY_KINDS.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Min score
          <input name="minScore" type="number" min="0" max="1" step="0.05" defaultValue={query.get('minScore') ?? ''} placeholder="0" size={5} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={query.get('status') ?? ''}>
            <option value="">any</option>
            <option value="open">open</option>
            <option value="recovered">recovered</option>
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {!loading && !error && items.length === 0 && <p>No anomalies match.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data" data-testid="anomalies-table" aria-labelledby="anomalies-title">
            <thead>
              <tr>
                <th scope="col">Opened</th>
                <th scope="col">Service</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Score</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-kind={a.kind}>
                  <td><time dateTime={a.openedAt}>{formatTime(a.openedAt)}</time></td>
                  <td><a href={href.signals(new URLSearchParams({ service: a.service }))}>{a.service}</a></td>
                  <td><code>{a.kind}</code></td>
                  <td><span className={`pill ${a.status === 'open' ? 'triggered' : 'resolved'}`}>{a.status}</span></td>
                  <td>{a.score.toFixed(2)}</td>
                  <td className="wrap">{a.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <p className="loading">Loading…</p>}
      {next && (
        <div className="pager">
          <button type="button" disabled={loading} onClick={() => void loadMore(next)}>Load more</button>
        </div>
      )}
      {service ? <LogTemplates service={service} /> : <p className="meta">Filter by a service to see its log templates.</p>}
    </section>
  );
}

const exampleText = (ex: unknown): string => {
  if (typeof ex === 'string') return ex;
  if (ex && typeof ex === 'object' && 'body' in ex) {
    const body = (ex as { body: unknown }).body;
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
  return JSON.stringify(ex);
};

function LogTemplates({ service }: { service: string }) {
  const templates = useFetch(() => api.logTemplates(service), `templates:${service}`);
  const items: LogTemplate[] = templates.data?.items ?? [];
  return (
    <section aria-labelledby="templates-title">
      <h2 id="templates-title">Log templates of {service}</h2>
      {templates.error && <p role="alert" className="error">{templates.error}</p>}
      {!templates.data && !templates.error && <p className="loading">Loading…</p>}
      {templates.data && items.length === 0 && <p>No templates mined for {service} yet.</p>}
      <ol className="templates" data-testid="templates">
        {items.map((t) => (
          <li key={t.templateId} data-template-id={t.templateId}>
            <code className="template">{t.template}</code>
            <p className="meta">
              <strong data-testid="template-count">{t.count.toLocaleString('en')}</strong> lines · first seen {formatTime(t.firstSeen)} · last seen {formatTime(t.lastSeen)}
            </p>
            {t.examples.length > 0 && (
              <details>
                <summary>{t.examples.length} example line{t.examples.length === 1 ? '' : 's'}</summary>
                <ul className="examples">
                  {t.examples.map((ex, n) => (
                    <li key={n}><code>{exampleText(ex)}</code></li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
