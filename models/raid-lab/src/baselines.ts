import type { JoinTraceEvent } from '@chat-guard/join-trace';
import type { DecisionLine } from './evaluate/outcomes.ts';

/**
 * The rule most anti-raid bots ship: N joins within T seconds locks the guild down, lifted
 * after `quietMs` without the rule firing. Written from its description, to be measured
 * against, never tuned on the report sets.
 */
export function joinsInSeconds(
  events: readonly JoinTraceEvent[],
  joins = 10,
  seconds = 10,
  quietMs = 120_000,
): DecisionLine[] {
  const decisions: DecisionLine[] = [];
  const recent = new Map<string, number[]>();
  const lockedUntil = new Map<string, number>();
  const closeExpired = (guildId: string, until: number) => {
    decisions.push({ ts: until, guildId, decision: 'lockdown.end' });
    lockedUntil.delete(guildId);
  };
  for (const event of events) {
    for (const [guildId, until] of lockedUntil) if (until <= event.ts) closeExpired(guildId, until);
    if (event.type !== 'member.joined') continue;
    const times = recent.get(event.guildId) ?? [];
    times.push(event.ts);
    while ((times[0] ?? Infinity) <= event.ts - seconds * 1000) times.shift();
    recent.set(event.guildId, times);
    if (times.length < joins) continue;
    if (!lockedUntil.has(event.guildId))
      decisions.push({ ts: event.ts, guildId: event.guildId, decision: 'lockdown.start' });
    lockedUntil.set(event.guildId, event.ts + quietMs);
  }
  for (const [guildId, until] of lockedUntil) closeExpired(guildId, until);
  return decisions.sort((a, b) => a.ts - b.ts);
}
