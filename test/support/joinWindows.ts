import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';

export const GUILD = '1100000000000000001';
export const T0 = 1_780_000_000_000;
const DAY = 86_400_000;
const EPOCH = 1_420_070_400_000n;

/** A user id whose snowflake says the account was made at `createdAt` (unique per `n`). */
export function userMadeAt(createdAt: number, n: number): string {
  return String(((BigInt(createdAt) - EPOCH) << 22n) | BigInt(n % 4096));
}

export interface JoinSpec {
  readonly ts: number;
  readonly ageDays: number;
  readonly avatar?: boolean;
  readonly name?: string;
  readonly invite?: string | null;
}

let serial = 0;

/** Applies joins to a guild's window; returns the user ids, in order. */
export function addJoins(windows: GuildWindows, joins: readonly JoinSpec[], guildId = GUILD): string[] {
  return joins.map((j) => {
    const userId = userMadeAt(j.ts - j.ageDays * DAY, ++serial);
    windows.apply({
      type: 'member.joined',
      ts: j.ts,
      guildId,
      userId,
      username: j.name ?? `member${serial}`,
      avatar: j.avatar === false ? null : 'a1b2c3',
      inviteCode: j.invite ?? 'everyday',
    });
    return userId;
  });
}

/** A guild's usual newcomers for `hours` before `until`: `perHour` joins, `freshShare` under a day old. */
export function usualTraffic(
  until: number,
  options: { hours?: number; perHour?: number; freshShare?: number } = {},
): JoinSpec[] {
  const hours = options.hours ?? 6;
  const perHour = options.perHour ?? 20;
  const fresh = options.freshShare ?? 0.05;
  const n = hours * perHour;
  return Array.from({ length: n }, (_, i) => ({
    ts: until - hours * 3_600_000 + Math.round((i + 0.5) * (3_600_000 / perHour)),
    // Spread over years, a few fresh ones, a third with default avatars.
    ageDays: (i * 0.37) % 1 < fresh ? 0.2 : 30 + ((i * 977) % 2500),
    avatar: i % 3 !== 0,
    name: `${['ana', 'bo', 'cy', 'dee', 'eli', 'fay', 'gus', 'hal'][i % 8]}${['river', 'stone', 'cloud', 'ember'][i % 4]}${i}`,
  }));
}

export const newWindows = () => new GuildWindows();
