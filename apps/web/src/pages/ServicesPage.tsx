import { api, type ServiceInfo } from '../api';
import { LineChart } from '../components/LineChart';
import { href } from '../router';
import { useFetch } from '../useFetch';

const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;
const ms = (v: number) => `${Math.round(v)} ms`;

/** Services and what they call (learnt from traces), and one service's RED charts per operation. */
export function ServicesPage({ query }: { query: URLSearchParams }) {
  const selected = query.get('service') ?? '';
  const list = useFetch(() => api.services(), 'services');
  const services: ServiceInfo[] = list.data?.services ?? [];
  const link = (name: string) => (
    <a href={href.services(new URLSearchParams({ service: name }))} aria-current={name === selected ? 'true' : undefined}>{name}</a>
  );
  const names = (items: string[]) =>
    items.length === 0 ? <span className="meta">—</span> : items.map((n, i) => <span key={n}>{i > 0 && ', '}{link(n)}</span>);
  return (
    <section aria-labelledby="services-title">
      <h1 id="services-title">Services</h1>
      {list.error && <p role="alert" className="error">{list.error}</p>}
      {!list.data && !list.error && <p className="loading">Loading…</p>}
      {list.data && services.length === 0 && <p>No services yet: calls are learnt from traces, and services from incidents.</p>}
      {services.length > 0 && (
        <div className="table-wrap">
          <table className="data" data-testid="services-table">
            <caption className="meta">Calls seen in traces over the last 7 days</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Calls</th>
                <th scope="col">Called by</th>
                <th scope="col">Open incidents</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.name} data-service={s.name} className={s.name === selected ? 'selected' : undefined}>
                  <th scope="row">{link(s.name)}</th>
                  <td data-testid="calls-to">{names(s.calls.to)}</td>
                  <td data-testid="calls-from">{names(s.calls.from)}</td>
                  <td>
                    {s.openIncidents > 0 ? (
                      <a href={href.incidents(new URLSearchParams({ status: 'open' }))}>{s.openIncidents}</a>
                    ) : (
                      0
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected ? <ServiceCharts service={selected} /> : services.length > 0 && <p className="meta">Pick a service to see its requests, errors and latency.</p>}
    </section>
  );
}

function ServiceCharts({ service }: { service: string }) {
  const spans = useFetch(() => api.series(service, 'spans'), `spans:${service}`);
  const series = spans.data?.series ?? [];
  return (
    <section aria-labelledby="red-title" data-testid="service-red">
      <h2 id="red-title">{service}: requests, errors and latency per operation (last hour)</h2>
      <p>
        <a href={href.signals(new URLSearchParams({ service }))}>Anomalies and log templates of {service} →</a>
      </p>
      {spans.error && <p role="alert" className="error">{spans.error}</p>}
      {!spans.data && !spans.error && <p className="loading">Loading…</p>}
      {spans.data && (
        <div className="charts">
          <LineChart title="Requests per minute" series={series} field="requests" testId="chart-requests" />
          <LineChart title="Error ratio" series={series} field="errorRatio" format={percent} testId="chart-errors" />
          <LineChart title="Average duration" series={series} field="avgMs" format={ms} testId="chart-latency" />
        </div>
      )}
    </section>
  );
}
