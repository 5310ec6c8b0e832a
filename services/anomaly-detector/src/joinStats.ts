import type { WindowJoin } from './guildWindow.ts';

const DAY = 86_400_000;

/** The share of joins that pass `test`; 0 for none. */
export const share = (joins: readonly WindowJoin[], test: (j: WindowJoin) => boolean): number =>
  joins.length === 0 ? 0 : count(joins, test) / joins.length;

export function count(joins: readonly WindowJoin[], test: (j: WindowJoin) => boolean): number {
  let n = 0;
  for (const j of joins) if (test(j)) n++;
  return n;
}

/** Younger than `days` when it joined. */
export const youngerThan = (days: number) => (j: WindowJoin) => j.ts - j.accountCreatedAt < days * DAY;

/** The joins whose name skeleton another join in the window shares. */
export function lookAlikeCount(joins: readonly WindowJoin[]): number {
  const counts = new Map<string, number>();
  for (const j of joins)
    if (j.nameSkeleton.length >= 3) counts.set(j.nameSkeleton, (counts.get(j.nameSkeleton) ?? 0) + 1);
  return count(joins, (j) => (counts.get(j.nameSkeleton) ?? 0) > 1);
}

/** The invite most of the joins came through, and its share. */
export function topInvite(joins: readonly WindowJoin[]): { code: string | null; share: number } {
  const counts = new Map<string, number>();
  for (const j of joins) if (j.inviteCode) counts.set(j.inviteCode, (counts.get(j.inviteCode) ?? 0) + 1);
  let best: { code: string | null; share: number } = { code: null, share: 0 };
  for (const [code, n] of counts) if (n / joins.length > best.share) best = { code, share: n / joins.length };
  return best;
}

/**
 * The largest share of joins whose accounts were created within `spanDays` of each other,
 * among accounts older than `minAgeDays`: bought accounts come in batches made the same
 * weeks, organic ones are spread over years.
 */
export function sameBatchShare(joins: readonly WindowJoin[], spanDays = 21, minAgeDays = 30): number {
  const created = joins
    .filter((j) => j.ts - j.accountCreatedAt >= minAgeDays * DAY)
    .map((j) => j.accountCreatedAt)
    .sort((a, b) => a - b);
  let best = 0;
  let from = 0;
  for (let to = 0; to < created.length; to++) {
    while ((created[to] ?? 0) - (created[from] ?? 0) > spanDays * DAY) from++;
    best = Math.max(best, to - from + 1);
  }
  return joins.length === 0 ? 0 : best / joins.length;
}
