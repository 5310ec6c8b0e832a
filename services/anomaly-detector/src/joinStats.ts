import type { NewcomerPost, WindowJoin } from './guildWindow.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

export function count<T>(items: readonly T[], test: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (test(item)) n++;
  return n;
}

/** Younger than `days` when it joined. */
export const youngerThan = (days: number) => (j: WindowJoin) => j.ts - j.accountCreatedAt < days * DAY;

/** The joins whose name skeleton (at least 4 letters) another join in the window shares. */
export function lookAlikeCount(joins: readonly WindowJoin[]): number {
  const counts = new Map<string, number>();
  for (const j of joins)
    if (j.nameSkeleton.length >= 4) counts.set(j.nameSkeleton, (counts.get(j.nameSkeleton) ?? 0) + 1);
  return count(joins, (j) => (counts.get(j.nameSkeleton) ?? 0) > 1);
}

/** The invite most of the joins came through (the vanity URL counts as one), and how many. */
export function topInvite(joins: readonly WindowJoin[]): { code: string | null; count: number } {
  const counts = new Map<string, number>();
  for (const j of joins) if (j.inviteCode) counts.set(j.inviteCode, (counts.get(j.inviteCode) ?? 0) + 1);
  let best: { code: string | null; count: number } = { code: null, count: 0 };
  for (const [code, n] of counts) if (n > best.count) best = { code, count: n };
  return best;
}

/**
 * The largest group of joins whose accounts were made close together, where "close" grows with
 * the accounts' age (2% of it, at least 10 minutes): a batch made in one afternoon two years ago
 * and a batch made in the last hour are both tight, while organic accounts spread over years.
 * No span is fixed in advance.
 */
export function batchCount(joins: readonly WindowJoin[]): number {
  if (joins.length < 2) return joins.length;
  // The bands follow the accounts' age at the newest join; creation times sort as plain numbers.
  const at = joins.reduce((max, j) => Math.max(max, j.ts), 0);
  const created = Float64Array.from(joins, (j) => j.accountCreatedAt).sort();
  let best = 1;
  let from = 0;
  for (let to = 0; to < created.length; to++) {
    const newest = created[to] ?? 0;
    const band = Math.max(10 * MINUTE, 0.02 * Math.max(0, at - newest));
    while ((created[from] ?? 0) < newest - band) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

/**
 * The largest batch (as `batchCount` finds them) among the joins that came through any one
 * invite: a drip of accounts from one seller through one invite stands out there even when the
 * guild's everyday joins bury it in the whole hour.
 */
export function largestInviteBatch(joins: readonly WindowJoin[]): number {
  const byInvite = new Map<string, WindowJoin[]>();
  for (const j of joins) {
    if (!j.inviteCode) continue;
    const group = byInvite.get(j.inviteCode);
    if (group) group.push(j);
    else byInvite.set(j.inviteCode, [j]);
  }
  let best = 0;
  for (const group of byInvite.values()) if (group.length > best) best = Math.max(best, batchCount(group));
  return best;
}

/**
 * How evenly the joins are spaced: 1 for a metronome, about 0 for people arriving on their own
 * (whose gaps vary as much as they last), from the gaps' coefficient of variation.
 */
export function cadenceRegularity(joins: readonly WindowJoin[]): number {
  if (joins.length < 6) return 0;
  const gaps: number[] = [];
  for (let i = 1; i < joins.length; i++) gaps.push((joins[i]?.ts ?? 0) - (joins[i - 1]?.ts ?? 0));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean <= 0) return 1;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return Math.max(0, Math.min(1, 1 - sd / mean));
}

/** Newcomers who posted spam (links, invites, pings of everyone, many mentions). */
export function spamPosters(posts: readonly NewcomerPost[]): number {
  return new Set(posts.filter((p) => p.spammy).map((p) => p.userId)).size;
}

/**
 * Newcomers who posted the same text twice in their first half hour: raiders repeat their
 * lines; a newcomer greeting a guild says "hi" once.
 */
export function repeatPosters(posts: readonly NewcomerPost[]): number {
  return new Set(posts.filter((p) => p.repeat).map((p) => p.userId)).size;
}
