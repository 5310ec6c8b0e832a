import { useEffect, useReducer, useState } from 'react';

export type LiveEvent =
  | { type: 'join'; at: number; userId: string; name: string; bot: boolean }
  | { type: 'leave'; at: number; userId: string }
  | { type: 'score'; at: number; score: number; level: string; joinsLastMinute: number; reasons: string[] }
  | {
      type: 'lockdown';
      at: number;
      kind: 'started' | 'lifted' | 'answered';
      lockdownId: string;
      detail: string;
    }
  | { type: 'gate'; at: number; kind: 'started' | 'ended'; reasons: string[] }
  | { type: 'audit'; at: number; action: string; actorId: string; reason: string };

const TYPES = ['join', 'leave', 'score', 'lockdown', 'gate', 'audit'] as const;
const KEEP = 5_000;

/** The guild's live events over Server-Sent Events (the browser reconnects by itself). */
export function useLiveEvents(guildId: string): { events: LiveEvent[]; connected: boolean | null } {
  const [events, add] = useReducer(
    (all: LiveEvent[], batch: LiveEvent[] | 'reset') =>
      batch === 'reset' ? [] : [...all, ...batch].slice(-KEEP),
    [],
  );
  const [connected, setConnected] = useState<boolean | null>(null);
  useEffect(() => {
    add('reset');
    const source = new EventSource(`/api/guilds/${guildId}/live`);
    let pending: LiveEvent[] = [];
    let flush: number | null = null;
    const onEvent = (e: MessageEvent<string>) => {
      pending.push(JSON.parse(e.data) as LiveEvent);
      // The replay of the last hour arrives at once: render it in one go, not event by event.
      flush ??= window.setTimeout(() => {
        add(pending);
        pending = [];
        flush = null;
      }, 100);
    };
    for (const type of TYPES) source.addEventListener(type, onEvent);
    source.addEventListener('ready', () => setConnected(true));
    source.onerror = () => {
      setConnected(false);
      // A reconnection replays the hour again; start from a clean slate when it comes.
      add('reset');
    };
    return () => {
      source.close();
      if (flush !== null) window.clearTimeout(flush);
    };
  }, [guildId]);
  return { events, connected };
}
