import { useState } from 'react';
import { api, formatTime, SEVERITIES, STATUSES, type Incident } from '../api';
import { useLiveRefresh } from '../live';
import { href } from '../router';
import { useFetch } from '../useFetch';

const PAGE = 25;

/** Incidents, newest first; filters live in the address (#/incidents?status=open&severity=sev1). */
export function IncidentsPage({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const severity = query.get('severity') ?? '';
  // Cursors of the pages before this one, to go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const filterKey = `${status}|${severity}`;
  const [forFilter, setForFilter] = useState(filterKey);
  if (forFilter !== filterKey) {
    setForFilter(filterKey);
    setCursors([]);
  }
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (status) params.set('status', status);
  if (severity) params.set('severity', severity);
  if (cursor) params.set('cursor', cursor);
  const page = useFetch(() => api.incidents(params), params.toString());
  useLiveRefresh(page.reload);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    window.location.hash = href.incidents(next);
  };
  const items: Incident[] = page.data?.items ?? [];
  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">any</option>
            <option value="open">open (not resolved)</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {page.error && <p role="alert" className="error">{page.error}</p>}
      {!page.data && !page.error && <p className="loading">Loading…</p>}
      {page.data && items.length === 0 && <p>No incidents match.</p>}
      <ul className="incident-list" data-testid="incident-list">
        {items.map((i) => (
          <li key={i.id}>
            <a href={href.incident(i.id)}>
              <span className={`pill sev ${i.severity}`}>{i.severity}</span>
              <span className={`pill status ${i.status}`}>{i.status}</span>
              <span className="title">#{i.number} {i.title}</span>
              <span className="meta">{i.services.join(', ')} · opened {formatTime(i.openedAt)}</span>
            </a>
          </li>
        ))}
      </ul>
      <div className="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>← Newer</button>
        <button type="button" disabled={!page.data?.nextCursor} onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}>Older →</button>
      </div>
    </section>
  );
}
