import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler, tokenStore, type Me } from './api';
import { LiveContext, useLiveStream } from './live';
import { IncidentPage } from './pages/IncidentPage';
import { IncidentsPage } from './pages/IncidentsPage';
import { OverviewPage } from './pages/OverviewPage';
import { RunbooksPage } from './pages/RunbooksPage';
import { ServicesPage } from './pages/ServicesPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignalsPage } from './pages/SignalsPage';
import { SignIn } from './pages/SignIn';
import { href, useRoute } from './router';

export function App() {
  const [token, setToken] = useState(() => tokenStore.get());
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const signOut = useCallback((message: string | null = null) => {
    tokenStore.clear();
    setToken(null);
    setMe(null);
    setError(message);
  }, []);
  useEffect(() => setUnauthorizedHandler(() => signOut('That token was not accepted (unknown or revoked).')), [signOut]);
  useEffect(() => {
    if (!token) return;
    api.me().then(setMe, (e: Error) => setError(e.message));
  }, [token]);
  const live = useLiveStream(me !== null);
  const liveContext = useMemo(() => ({ subscribe: live.subscribe }), [live.subscribe]);
  const route = useRoute();

  if (!token || (!me && error)) {
    return (
      <SignIn
        error={error}
        onSignIn={(t) => {
          tokenStore.set(t);
          setError(null);
          setToken(t);
        }}
      />
    );
  }
  if (!me) return <p className="loading">Signing in…</p>;
  return (
    <LiveContext.Provider value={liveContext}>
      <header className="topbar">
        <a className="brand" href={href.overview()}>Vigil</a>
        <nav aria-label="Main">
          <a href={href.overview()} aria-current={route.page === 'overview' ? 'page' : undefined}>Overview</a>
          <a href={href.incidents()} aria-current={route.page === 'incidents' || route.page === 'incident' ? 'page' : undefined}>Incidents</a>
          <a href={href.services()} aria-current={route.page === 'services' ? 'page' : undefined}>Services</a>
          <a href={href.signals()} aria-current={route.page === 'signals' ? 'page' : undefined}>Signals</a>
          <a href={href.runbooks()} aria-current={route.page === 'runbooks' ? 'page' : undefined}>Runbooks</a>
          <a href={href.settings()} aria-current={route.page === 'settings' ? 'page' : undefined}>Settings</a>
        </nav>
        <span className="spacer" />
        {live.state !== 'live' && (
          <span className={`badge live-${live.state}`} role="status" data-testid="live-badge">
            {live.state === 'reconnecting' ? 'reconnecting…' : live.state === 'off' ? 'live updates off' : 'connecting…'}
          </span>
        )}
        <span className="who" data-testid="who">{me.name} · {me.role}</span>
        <button type="button" className="link" onClick={() => signOut()}>Sign out</button>
      </header>
      <main>
        {route.page === 'overview' && <OverviewPage />}
        {route.page === 'incidents' && <IncidentsPage query={route.query} />}
        {route.page === 'incident' && <IncidentPage id={route.id} me={me} />}
        {route.page === 'services' && <ServicesPage query={route.query} />}
        {route.page === 'signals' && <SignalsPage query={route.query} />}
        {route.page === 'runbooks' && <RunbooksPage me={me} />}
        {route.page === 'settings' && <SettingsPage me={me} />}
        {route.page === 'not-found' && (
          <p>
            Nothing at <code>{route.path}</code>. <a href={href.overview()}>Back to the overview</a>.
          </p>
        )}
      </main>
    </LiveContext.Provider>
  );
}
