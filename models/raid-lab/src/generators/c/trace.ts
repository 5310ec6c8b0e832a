// Assembling one trace: the guild, its organic traffic, the episode, then guild lines and member counts.
import type { GuildTraceEvent } from '@chat-guard/join-trace';
import type { Episode, GuildTrace } from '../scenario.ts';
import { launch, trending } from './growth.ts';
import { drawGuild } from './guild.ts';
import { Ids } from './ids.ts';
import { chatter } from './newcomer.ts';
import { organic } from './organic.ts';
import { raid } from './raid.ts';
import { HOUR, Rng } from './rng.ts';
import { shoutOut } from './surges.ts';
import { type Stamped, World } from './world.ts';

/** A trace and the user ids of its raid's accounts (none unless the episode is a raid). */
export interface TraceWithRaiders {
  readonly trace: GuildTrace;
  readonly raiders: readonly string[];
}

const byTs = (a: Stamped, b: Stamped) => a.ts - b.ts || a.seq - b.seq;

/** The trace of (episode, seed) from `t0` to `t1`; every draw comes from one stream keyed by the pair. */
export function buildTrace(episode: Episode, seed: number, t0: number, t1: number): TraceWithRaiders {
  const r = new Rng(`genc/v1/${episode}/${seed}`);
  const ids = new Ids(r);
  const guild = drawGuild(r, ids, t0);
  const w = new World(r, ids, guild, episode, t0, t1);
  const guildLine = (ts: number): GuildTraceEvent => ({
    type: 'guild',
    ts,
    guildId: guild.guildId,
    memberCount: 0,
    vanityCode: guild.g.vanity,
  });
  w.push(guildLine(t0));
  for (const p of guild.perm) w.emitInvite(t0, p.code, p.inviter, 0, 0);
  organic(w);
  let raiders: string[] = [];
  if (episode === 'shout-out') shoutOut(w);
  else if (episode === 'trending') trending(w);
  else if (episode === 'launch') launch(w);
  else if (episode !== 'none') raiders = raid(w);
  // fill long silences with a member's message (a quiet guild still has someone talking now and then)
  w.events.sort(byTs);
  const maxGap = r.u(3, 6) * HOUR;
  const ts = [...w.events.map((e) => e.ts), t1];
  for (let k = 1; k < ts.length; k++) {
    let a = ts[k - 1] as number;
    while ((ts[k] as number) - a > maxGap) {
      a += r.u(0.3, 0.9) * maxGap;
      chatter(w, a);
    }
  }
  for (let t = t0 + 6 * HOUR; t < t1; t += 6 * HOUR) w.push(guildLine(t));
  w.push(guildLine(t1));
  w.events.sort(byTs);
  // member counts of the guild lines, moved by the joins and leaves before them
  let count = guild.g.members;
  for (const { e } of w.events) {
    if (e.type === 'member.joined') count++;
    else if (e.type === 'member.left') count--;
    else if (e.type === 'guild') e.memberCount = Math.max(1, count);
  }
  const trace = { guildId: guild.guildId, events: w.events.map((s) => s.e), labels: w.labels };
  return { trace, raiders };
}
