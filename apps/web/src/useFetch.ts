import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads on mount and when `key` changes; `reload` refetches without clearing what is shown. */
export function useFetch<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loader = useRef(load);
  loader.current = load;
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    loader.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
      },
      (e: Error) => mine === generation.current && setError(e.message),
    );
  }, []);
  useEffect(() => {
    setData(null);
    reload();
  }, [key, reload]);
  return { data, error, reload };
}
