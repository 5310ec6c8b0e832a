import { chatLine, lookAlikeName, raidBaseName, spamLine } from './names.ts';
import { type Account, DAY_MS, type TrafficBuilder } from './trafficBuilder.ts';

export type EpisodeFamily = 'shout-out' | 'fast-flood' | 'slow-drip' | 'aged-accounts' | 'multi-invite';

/** Adds one episode of a family to a guild's traffic, starting at `start`, and labels its window. */
export type Episode = (b: TrafficBuilder, start: number, endMs: number) => void;

const HOUR_MS = 3_600_000;

function freshRaider(
  b: TrafficBuilder,
  ts: number,
  base: string,
  maxAgeMs: number,
  avatarShare: number,
): Account {
  const { username, globalName } = lookAlikeName(b.rng, base);
  const ageMs = b.rng.float(10 * 60_000, maxAgeMs);
  return {
    userId: b.id(ts - ageMs),
    username,
    globalName,
    avatar: b.rng.chance(avatarShare) ? b.rng.hex(32) : null,
  };
}

function label(
  b: TrafficBuilder,
  type: 'raid' | 'surge',
  family: EpisodeFamily,
  start: number,
  end: number,
): void {
  b.labels.push({ type, guildId: b.guild.guildId, start, end, family });
}

/** A shout-out: hundreds of real-looking accounts of varied age arrive over minutes, tapering off. */
const shoutOut: Episode = (b, start, endMs) => {
  const count = b.rng.int(200, 400);
  const spanMs = b.rng.float(5, 10) * 60_000;
  const code = b.guild.vanityCode ? 'vanity' : b.invite(start - 60_000, b.guild.inviterIds[0] ?? null);
  let last = start;
  for (let i = 0; i < count; i++) {
    // Arrivals decay from the moment of the shout-out.
    const ts = Math.floor(start + -Math.log(1 - b.rng.next() * 0.95) * (spanMs / 3));
    if (ts >= endMs) continue;
    const account = b.organicAccount(ts, b.organicAgeMs(), 0.8);
    b.join(ts, account, b.rng.chance(0.8) ? code : b.organicInvite());
    last = Math.max(last, ts);
    if (b.rng.chance(0.25)) {
      const at = ts + Math.floor(b.rng.float(20_000, 300_000));
      if (at < endMs)
        b.message(at, account.userId, b.rng.chance(0.6) ? 'hey! came from the stream' : chatLine(b.rng));
    }
  }
  label(b, 'surge', 'shout-out', start, last);
};

/** A fast flood: fresh default-avatar accounts with look-alike names pour in through one invite within a minute or so. */
const fastFlood: Episode = (b, start, endMs) => {
  const count = b.rng.int(60, 150);
  const spanMs = b.rng.float(30_000, 90_000);
  const base = raidBaseName(b.rng);
  const code = b.invites[0] ?? b.invite(start - 5000, null);
  let last = start;
  for (let i = 0; i < count; i++) {
    const ts = Math.floor(start + (spanMs * i) / count + b.rng.float(0, 300));
    if (ts >= endMs) break;
    const account = freshRaider(b, ts, base, 48 * HOUR_MS, 0.03);
    b.join(ts, account, code);
    last = ts;
    if (b.rng.chance(0.5)) b.message(ts + b.rng.int(500, 8000), account.userId, spamLine(b.rng));
  }
  label(b, 'raid', 'fast-flood', start, last);
};

/** A slow drip: one fresh account every minute or so, under a simple joins-per-minute rule, for most of an hour. */
const slowDrip: Episode = (b, start, endMs) => {
  const count = b.rng.int(30, 60);
  const base = raidBaseName(b.rng);
  const code = b.invites[1] ?? b.invites[0] ?? b.invite(start - 5000, null);
  let ts = start;
  let last = start;
  for (let i = 0; i < count; i++) {
    if (ts >= endMs) break;
    const account = freshRaider(b, ts, base, 10 * DAY_MS, 0.2);
    b.join(ts, account, code);
    last = ts;
    if (b.rng.chance(0.3)) b.message(ts + b.rng.int(5000, 60_000), account.userId, spamLine(b.rng));
    ts += Math.floor(b.rng.float(40_000, 90_000));
  }
  label(b, 'raid', 'slow-drip', start, last);
};

/** Aged accounts (bought in a batch, created the same weeks) joining together through one invite. */
const agedAccounts: Episode = (b, start, endMs) => {
  const count = b.rng.int(20, 40);
  const spanMs = b.rng.float(90_000, 180_000);
  const batchAgeMs = b.rng.float(365, 4 * 365) * DAY_MS;
  const code = b.invite(start - 30_000, b.rng.pick(b.membersAt(start)));
  let last = start;
  for (let i = 0; i < count; i++) {
    const ts = Math.floor(start + b.rng.float(0, spanMs));
    if (ts >= endMs) continue;
    const account = b.organicAccount(ts, batchAgeMs + b.rng.float(0, 21) * DAY_MS, 0.9);
    b.join(ts, account, code);
    last = Math.max(last, ts);
    if (b.rng.chance(0.4)) b.message(ts + b.rng.int(2000, 30_000), account.userId, spamLine(b.rng));
  }
  label(b, 'raid', 'aged-accounts', start, last);
};

/** A raid spread over several invites, each made just before by a different account, to dodge per-invite rules. */
const multiInvite: Episode = (b, start, endMs) => {
  const count = b.rng.int(80, 150);
  const spanMs = b.rng.float(120_000, 240_000);
  const base = raidBaseName(b.rng);
  const codes = Array.from({ length: b.rng.int(4, 6) }, (_, i) =>
    b.invite(start - 60_000 + i * 1000, b.rng.pick(b.membersAt(start)), 0, 3600),
  );
  let last = start;
  for (let i = 0; i < count; i++) {
    const ts = Math.floor(start + (spanMs * i) / count + b.rng.float(0, 500));
    if (ts >= endMs) break;
    const account = freshRaider(b, ts, base, 72 * HOUR_MS, 0.05);
    b.join(ts, account, b.rng.pick(codes));
    last = ts;
    if (b.rng.chance(0.4)) b.message(ts + b.rng.int(1000, 15_000), account.userId, spamLine(b.rng));
  }
  label(b, 'raid', 'multi-invite', start, last);
};

export const EPISODES: Readonly<Record<EpisodeFamily, Episode>> = {
  'shout-out': shoutOut,
  'fast-flood': fastFlood,
  'slow-drip': slowDrip,
  'aged-accounts': agedAccounts,
  'multi-invite': multiInvite,
};
