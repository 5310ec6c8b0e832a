import type { GuildTraceEvent, JoinTraceEvent } from '@chat-guard/join-trace';
import type { World } from './world.ts';

const GUILD_LINE_EVERY_MS = 3_600_000;

/**
 * The trace in `ts` order (stable, so equal times keep the order they were made in), opened by a `guild` line
 * and with one every hour carrying the member count as joins and leaves have moved it.
 */
export function finishTrace(world: World, members: number, vanityCode: string | null): JoinTraceEvent[] {
  const line = (ts: number, memberCount: number): GuildTraceEvent => ({
    type: 'guild',
    ts,
    guildId: world.guildId,
    memberCount,
    vanityCode,
  });
  const sorted = [...world.events].sort((a, b) => a.ts - b.ts);
  const out: JoinTraceEvent[] = [line(world.startMs, members)];
  let count = members;
  let next = world.startMs + GUILD_LINE_EVERY_MS;
  for (const event of sorted) {
    for (; event.ts >= next; next += GUILD_LINE_EVERY_MS) out.push(line(next, count));
    out.push(event);
    if (event.type === 'member.joined') count++;
    else if (event.type === 'member.left') count = Math.max(0, count - 1);
  }
  for (; next < world.endMs; next += GUILD_LINE_EVERY_MS) out.push(line(next, count));
  return out;
}
