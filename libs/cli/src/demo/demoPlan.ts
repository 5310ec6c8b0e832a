import { type JoinTraceEvent, Prng, snowflakeAt, type TrafficGuild } from '@chat-guard/sandbox';

/** When the scripted moments of the demo happen, in seconds after its traffic starts. */
export const DEMO_TIMES = {
  /** A member of the first guild posts an invite link three times: warned, warned, timed out. */
  invitePosts: [5, 13, 21],
  /** A fast flood of fresh accounts through one new invite into the second guild, posting spam. */
  raid: 60,
} as const;

const RAIDERS = 80;
const RAID_SPAN_MS = 40_000;
const HOUR_MS = 3_600_000;
const SPAM = [
  'FREE NITRO >>> discord.gg/fr33n1tro',
  'join discord.gg/raidhub now, everyone is there',
  'claim nitro before it runs out: discord.gg/n1tr0drop',
];

/** One line of the timeline the demo prints before it starts. */
export interface DemoMoment {
  readonly atSec: number;
  readonly guildId: string;
  readonly what: string;
}

/** The demo's scripted events (to merge with background chat) and what it announces. */
export interface DemoPlan {
  readonly events: JoinTraceEvent[];
  readonly timeline: DemoMoment[];
}

/**
 * The scripted part of the demo, from `startMs`: an invite-posting member in the first guild
 * and, when there is a second, a clear raid into it (80 fresh default-avatar accounts with
 * look-alike names, one invite, spam with invite links), so that every step of moderation and
 * a lockdown show within minutes. The same seed always gives the same plan.
 */
export function demoPlan(guilds: readonly TrafficGuild[], startMs: number, seed: number): DemoPlan {
  const rng = new Prng(seed).fork('demo');
  const events: JoinTraceEvent[] = [];
  const timeline: DemoMoment[] = [];
  let low = 0;
  const id = (ms: number): string => snowflakeAt(ms, (0x2d << 16) | (low++ & 0xffff));

  const [first, second] = guilds;
  const poster = first?.memberIds[0];
  const postChannel = first?.channelIds[0];
  if (first && poster && postChannel) {
    DEMO_TIMES.invitePosts.forEach((sec, n) => {
      const ts = startMs + sec * 1000;
      events.push({
        type: 'message.created',
        ts,
        guildId: first.guildId,
        channelId: postChannel,
        userId: poster,
        messageId: id(ts),
        content: `come to my server discord.gg/myfriends${n + 1}`,
        mentionCount: 0,
      });
    });
    const [warn, again, timeout] = DEMO_TIMES.invitePosts;
    timeline.push(
      { atSec: warn, guildId: first.guildId, what: 'a member posts an invite link: deleted, warned' },
      { atSec: again, guildId: first.guildId, what: 'again: deleted, warned a second time' },
      { atSec: timeout, guildId: first.guildId, what: 'a third time: deleted, timed out (Table 1)' },
    );
  }
  if (second) {
    const raidStart = startMs + DEMO_TIMES.raid * 1000;
    const code = `raid${rng.hex(4)}`;
    const channels = second.channelIds.length > 0 ? second.channelIds : [second.guildId];
    events.push({
      type: 'invite.created',
      ts: raidStart - 10_000,
      guildId: second.guildId,
      code,
      inviterId: null,
      maxUses: 0,
      maxAgeSec: 86_400,
    });
    const base = `nitr0_${rng.hex(3)}`;
    for (let i = 0; i < RAIDERS; i++) {
      const ts = Math.floor(raidStart + (RAID_SPAN_MS * i) / RAIDERS + rng.float(0, 200));
      const userId = id(ts - rng.float(1, 30) * HOUR_MS);
      events.push({
        type: 'member.joined',
        ts,
        guildId: second.guildId,
        userId,
        username: `${base}${rng.int(10, 9999)}`,
        globalName: null,
        avatar: null,
        bot: false,
        inviteCode: code,
      });
      const at = ts + rng.int(1000, 4000);
      events.push({
        type: 'message.created',
        ts: at,
        guildId: second.guildId,
        channelId: rng.pick(channels),
        userId,
        messageId: id(at),
        content: rng.pick(SPAM),
        mentionCount: 0,
      });
    }
    timeline.push({
      atSec: DEMO_TIMES.raid,
      guildId: second.guildId,
      what: `a raid: ${RAIDERS} fresh accounts through one invite, posting spam: locked down, alert in #alerts`,
    });
  }
  events.sort((a, b) => a.ts - b.ts);
  return { events, timeline };
}

/** Merges time-ordered event lists into one, in time order (stable: `a` first on ties). */
export function mergeByTime(a: readonly JoinTraceEvent[], b: readonly JoinTraceEvent[]): JoinTraceEvent[] {
  return [...a, ...b].sort((x, y) => x.ts - y.ts);
}

/** `m:ss` for a number of seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
