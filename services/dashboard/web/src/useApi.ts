import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from './api.ts';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: ApiError | Error }
  | { readonly state: 'ready'; readonly data: T };

/** Loads an API path, with loading and error states and a reload. */
export function useApi<T>(path: string): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is how reload() asks for a fresh load.
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    api<T>(path).then(
      (data) => live && setLoaded({ state: 'ready', data }),
      (error: unknown) =>
        live && setLoaded({ state: 'error', error: error instanceof Error ? error : new ApiError(0, {}) }),
    );
    return () => {
      live = false;
    };
  }, [path, round]);
  return [loaded, reload];
}
