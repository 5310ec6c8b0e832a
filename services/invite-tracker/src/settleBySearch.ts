import type { AttributionUnknownReason } from '@chat-guard/events';
import type { Unclaimed } from './attributeJoins.ts';
import type { MemberAttributed } from './attributionStore.ts';
import { JOIN_SOURCE_INVITE, JOIN_SOURCE_VANITY, type JoinSource } from './memberSearch.ts';

/** The unknowns member search may settle: the join did not show in a fresh diff. */
const SEARCHABLE_UNKNOWN: ReadonlySet<AttributionUnknownReason> = new Set([
  'restart',
  'late',
  'invite-vanished',
]);

/** Joins of a batch that Discord's member search should be asked about. */
export function needsSearch(attributed: MemberAttributed): boolean {
  if (attributed.bot) return false;
  if (attributed.confidence === 'ambiguous') return true;
  return (
    attributed.confidence === 'unknown' &&
    attributed.reason !== null &&
    SEARCHABLE_UNKNOWN.has(attributed.reason)
  );
}

/** Discord's join times and ours agree to within this (both come from Discord; the slack is rounding). */
const SAME_JOIN_MS = 2_000;

/**
 * Settles attributions with what Discord's member search says of each member: an invite code
 * makes the join `exact (member search)`, the vanity URL `vanity`; anything else, a member
 * the search does not know (yet), or a join it describes at another time (they left and came
 * back) leaves the uses answer as it was. Each settled join of the diff claims one use of its
 * invite from the uses left waiting, so a later batch does not count it again.
 */
export function settleBySearch(
  attributions: readonly MemberAttributed[],
  sources: ReadonlyMap<string, JoinSource>,
  unclaimed: readonly Unclaimed[],
): { attributions: MemberAttributed[]; unclaimed: Unclaimed[] } {
  const waiting = unclaimed.map((u) => ({ ...u }));
  const settled = attributions.map((a): MemberAttributed => {
    const source = sources.get(a.userId);
    if (!needsSearch(a) || !source?.code || Math.abs(source.joinedAt - a.joinedAt) > SAME_JOIN_MS) return a;
    if (source.type !== JOIN_SOURCE_INVITE && source.type !== JOIN_SOURCE_VANITY) return a;
    if (a.confidence === 'ambiguous') claimOne(waiting, source.code);
    const vanity = source.type === JOIN_SOURCE_VANITY;
    return {
      ...a,
      confidence: vanity ? 'vanity' : 'exact',
      inviteCode: source.code,
      inviterId: vanity ? null : (source.inviterId ?? a.inviterId),
      candidates: [],
      reason: null,
      method: 'member-search',
    };
  });
  return { attributions: settled, unclaimed: waiting.filter((u) => u.max === null || u.max > 0) };
}

/** Takes one use of `code` from the newest uses waiting for it. */
function claimOne(waiting: { -readonly [K in keyof Unclaimed]: Unclaimed[K] }[], code: string): void {
  const newest = waiting
    .filter((u) => u.code === code && (u.max === null || u.max > 0))
    .sort((a, b) => b.seenAt - a.seenAt)[0];
  if (!newest) return;
  if (newest.count !== null) newest.count = Math.max(0, newest.count - 1);
  if (newest.max !== null) newest.max -= 1;
}
