import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { tokenStore } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';
export interface IncidentChange {
  incidentId: string;
  type: string;
  at: string;
}
type Listener = (change: IncidentChange | null) => void;

/**
 * The live-updates stream (GET /api/events, server-sent events). EventSource reconnects by
 * itself and sends Last-Event-ID, so nothing is missed across a drop; listeners also get `null`
 * on every (re)connect, meaning "refetch what you show".
 */
export function useLiveStream(enabled: boolean) {
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<Listener>());
  useEffect(() => {
    if (!enabled) return;
    const token = tokenStore.get();
    if (!token) return;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    const emit = (change: IncidentChange | null) => listeners.current.forEach((l) => l(change));
    let opened = false;
    source.addEventListener('ready', () => {
      setState('live');
      if (opened) emit(null);
      opened = true;
    });
    source.addEventListener('incident', (event) => emit(JSON.parse((event as MessageEvent<string>).data) as IncidentChange));
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting');
    return () => source.close();
  }, [enabled]);
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  return { state, subscribe };
}

export const LiveContext = createContext<{ subscribe: (l: Listener) => () => void }>({ subscribe: () => () => undefined });

/** Calls `refresh` when a change matches (all changes when no incident is given) or the stream reconnects. */
export function useLiveRefresh(refresh: () => void, incidentId?: string) {
  const { subscribe } = useContext(LiveContext);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => subscribe((change) => {
    if (!change || !incidentId || change.incidentId === incidentId) latest.current();
  }), [subscribe, incidentId]);
}
