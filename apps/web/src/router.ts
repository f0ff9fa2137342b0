import { useEffect, useState } from 'react';

// A tiny hash router: #/ (overview), #/incidents?status=…, #/incidents/<id>, #/services?service=…, #/signals?…, #/runbooks, #/settings.
export type Route = { page: 'overview' } | { page: 'incidents'; query: URLSearchParams } | { page: 'incident'; id: string }
  | { page: 'services'; query: URLSearchParams }
  | { page: 'signals'; query: URLSearchParams }
  | { page: 'runbooks' }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'incidents' && parts.length === 1) return { page: 'incidents', query: new URLSearchParams(search) };
  if (parts[0] === 'incidents' && parts.length === 2) return { page: 'incident', id: parts[1]! };
  if (parts[0] === 'services' && parts.length === 1) return { page: 'services', query: new URLSearchParams(search) };
  if (parts[0] === 'signals' && parts.length === 1) return { page: 'signals', query: new URLSearchParams(search) };
  if (parts[0] === 'runbooks' && parts.length === 1) return { page: 'runbooks' };
  if (parts[0] === 'settings' && parts.length === 1) return { page: 'settings' };
  return { page: 'not-found', path };
}

export const href = {
  overview: () => '#/',
  incidents: (query?: URLSearchParams) => `#/incidents${query && query.toString() ? `?${query.toString()}` : ''}`,
  incident: (id: string) => `#/incidents/${encodeURIComponent(id)}`,
  services: (query?: URLSearchParams) => `#/services${query && query.toString() ? `?${query.toString()}` : ''}`,
  signals: (query?: URLSearchParams) => `#/signals${query && query.toString() ? `?${query.toString()}` : ''}`,
  runbooks: () => '#/runbooks',
  settings: () => '#/settings',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
