import { api, formatDuration, SEVERITIES, type Incident } from '../api';
import { useLiveRefresh } from '../live';
import { href } from '../router';
import { useFetch } from '../useFetch';

const mean = (values: { n: number; ms: number | null }[]): number | null => {
  const known = values.filter((v) => v.ms !== null && v.n > 0);
  const n = known.reduce((a, v) => a + v.n, 0);
  return n === 0 ? null : known.reduce((a, v) => a + v.n * (v.ms as number), 0) / n;
};

export function OverviewPage() {
  const open = useFetch(() => api.incidents(new URLSearchParams({ status: 'open', limit: '200' })), 'open');
  const times = useFetch(() => api.responseTimes(), 'times');
  useLiveRefresh(() => {
    open.reload();
    times.reload();
  });
  const incidents: Incident[] = open.data?.items ?? [];
  const items = times.data?.items ?? [];
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {open.error && <p role="alert" className="error">{open.error}</p>}
      <h2>Open incidents by severity</h2>
      <ul className="tiles">
        {SEVERITIES.map((severity) => {
          const count = incidents.filter((i) => i.severity === severity).length;
          return (
            <li key={severity} className={`tile sev ${severity}`}>
              <a href={href.incidents(new URLSearchParams({ status: 'open', severity }))}>
                <span className="big" data-testid={`open-${severity}`}>{open.data ? count : '…'}</span>
                <span>{severity}</span>
              </a>
            </li>
          );
        })}
      </ul>
      <h2>Response times (last 30 days)</h2>
      {times.error && <p role="alert" className="error">{times.error}</p>}
      <dl className="tiles">
        <div className="tile">
          <dt>MTTA</dt>
          <dd className="big" data-testid="mtta">{formatDuration(mean(items.map((i) => ({ n: i.incidents, ms: i.mttaMs }))))}</dd>
        </div>
        <div className="tile">
          <dt>MTTR</dt>
          <dd className="big" data-testid="mttr">{formatDuration(mean(items.map((i) => ({ n: i.incidents, ms: i.mttrMs }))))}</dd>
        </div>
      </dl>
      <p>
        <a href={href.incidents(new URLSearchParams({ status: 'open' }))}>All open incidents →</a>
      </p>
    </section>
  );
}
