import type { AttributionConfidence, AttributionUnknownReason } from '@chat-guard/events';

/** What attribution needs of an invite: its use count and what bounds its growth. */
export interface InviteCount {
  readonly code: string;
  readonly uses: number;
  /** 0 for unlimited. */
  readonly maxUses: number;
  readonly inviterId: string | null;
}

/**
 * Uses seen in an earlier fetch that no join has claimed yet: joins reach us after Discord
 * counted them, so a join may arrive one fetch late.
 */
export interface Unclaimed {
  readonly code: string;
  /** Uses known to be there; null when unknown (an invite that vanished). */
  readonly count: number | null;
  /** Uses it can explain at most; null for unbounded. */
  readonly max: number | null;
  readonly inviterId: string | null;
  /** When the fetch that saw them returned (ms): only joins before then can have used them. */
  readonly seenAt: number;
}

export interface Baseline {
  readonly invites: readonly InviteCount[];
  readonly unclaimed: readonly Unclaimed[];
  /** Invites deleted since the baseline was taken, as they were last known. */
  readonly vanished: readonly InviteCount[];
}

export interface Fetched {
  readonly invites: readonly InviteCount[];
  readonly vanity: string | null;
  /** When the fetch returned (ms). */
  readonly at: number;
}

export interface JoinRef {
  readonly userId: string;
  readonly joinedAt: number;
}

export interface Attribution {
  readonly confidence: AttributionConfidence;
  readonly inviteCode: string | null;
  readonly inviterId: string | null;
  readonly candidates: readonly string[];
  readonly reason: AttributionUnknownReason | null;
}

export interface AttributionResult {
  /** One per join, in the order given. */
  readonly attributions: readonly Attribution[];
  /** What the next batch diffs against besides its own fetch. */
  readonly unclaimed: readonly Unclaimed[];
}

export interface AttributeOptions {
  /** How long unclaimed uses wait for a late join before they are forgotten. */
  readonly unclaimedTtlMs: number;
  /** How far Discord's join times may run ahead of our clock. */
  readonly clockSkewMs: number;
}

export const DEFAULT_ATTRIBUTE_OPTIONS: AttributeOptions = { unclaimedTtlMs: 60_000, clockSkewMs: 1_000 };

interface Source extends Unclaimed {
  readonly vanished: boolean;
}

/**
 * Attributes a batch of joins from the change in invite uses between two fetches.
 *
 * The rule: every non-bot join used one invite or the vanity URL, and its use shows either in
 * this fetch's deltas or among the unclaimed uses of an earlier fetch that returned after it
 * joined (a join that reached us late). The sources are the invites that gained uses, those
 * unclaimed uses, the invites that vanished (count unknown: deleted, expired or used up; at
 * most `maxUses - uses`) and the vanity URL (Discord lists no vanity uses). Joins within one
 * batch are indistinguishable, so they all get the same answer:
 * - one source, and it can explain every join: `exact` (`vanity` when it is the vanity URL);
 * - several sources that together can explain every join: `ambiguous` with the candidates
 *   (a gained count may belong to a join we have not seen yet, so a count that matches a
 *   subset of the joins proves nothing about which join used which invite);
 * - sources that cannot explain every join: `unknown` (`invite-vanished` if an invite vanished,
 *   else `no-change`).
 * Claims: when known counts equal the joins exactly and nothing else could explain them, every
 * use is claimed; after an `exact`, that many uses of the invite are; otherwise none are, and
 * the uses wait for a late join. Waiting uses only add candidates: they can make an answer
 * vaguer, never wrong.
 */
export function attributeJoins(
  before: Baseline,
  after: Fetched,
  joins: readonly JoinRef[],
  options: AttributeOptions = DEFAULT_ATTRIBUTE_OPTIONS,
): AttributionResult {
  const earliest = Math.min(...joins.map((j) => j.joinedAt));
  const waiting = before.unclaimed.filter((u) => after.at - u.seenAt <= options.unclaimedTtlMs);
  // Uses seen before the earliest join of the batch happened cannot be any of its joins'.
  const eligible = (u: Unclaimed) => earliest <= u.seenAt + options.clockSkewMs;
  const untouched = waiting.filter((u) => !eligible(u));
  const sources = sourcesOf(before, after, waiting.filter(eligible));
  if (joins.length === 0)
    return { attributions: [], unclaimed: [...untouched, ...waitingAfter(sources, after)] };
  const attribution = decide(sources, joins.length);
  return {
    attributions: joins.map(() => attribution),
    unclaimed: [...untouched, ...waitingAfter(claim(sources, attribution, joins.length), after)],
  };
}

function sourcesOf(before: Baseline, after: Fetched, unclaimed: readonly Unclaimed[]): Source[] {
  const sources = new Map<string, Source>();
  const sum = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  const add = (source: Source): void => {
    const known = sources.get(source.code);
    sources.set(
      source.code,
      known
        ? {
            ...known,
            count: sum(known.count, source.count),
            max: sum(known.max, source.max),
            vanished: known.vanished || source.vanished,
            seenAt: Math.max(known.seenAt, source.seenAt),
          }
        : source,
    );
  };
  for (const u of unclaimed) add({ ...u, vanished: u.count === null });
  const now = new Map(after.invites.map((i) => [i.code, i]));
  const previous = new Map([...before.vanished, ...before.invites].map((i) => [i.code, i]));
  const seenAt = after.at;
  for (const [code, then] of previous) {
    const current = now.get(code);
    if (current) {
      const gained = current.uses - then.uses;
      if (gained > 0)
        add({ code, count: gained, max: gained, inviterId: current.inviterId, vanished: false, seenAt });
    } else {
      const max = then.maxUses > 0 ? Math.max(0, then.maxUses - then.uses) : null;
      add({ code, count: null, max, inviterId: then.inviterId, vanished: true, seenAt });
    }
  }
  // An invite created after the baseline and already used: its uses since creation.
  for (const [code, current] of now) {
    if (!previous.has(code) && current.uses > 0) {
      const uses = current.uses;
      add({ code, count: uses, max: uses, inviterId: current.inviterId, vanished: false, seenAt });
    }
  }
  if (after.vanity) {
    add({ code: after.vanity, count: null, max: null, inviterId: null, vanished: false, seenAt });
  }
  return [...sources.values()].filter((s) => s.max === null || s.max > 0);
}

function decide(sources: readonly Source[], n: number): Attribution {
  const capacity = sources.reduce<number | null>(
    (total, s) => (total === null || s.max === null ? null : total + s.max),
    0,
  );
  if (sources.length === 0 || (capacity !== null && capacity < n)) {
    const reason = sources.some((s) => s.vanished) ? 'invite-vanished' : 'no-change';
    return { confidence: 'unknown', inviteCode: null, inviterId: null, candidates: [], reason };
  }
  const [only] = sources;
  if (only && sources.length === 1) {
    const vanity = only.count === null && !only.vanished;
    return {
      confidence: vanity ? 'vanity' : 'exact',
      inviteCode: only.code,
      inviterId: only.inviterId,
      candidates: [],
      reason: null,
    };
  }
  // The inviter is certain when every candidate has the same one.
  const inviters = new Set(sources.map((s) => s.inviterId));
  const [inviterId = null] = inviters.size === 1 ? inviters : [];
  return {
    confidence: 'ambiguous',
    inviteCode: null,
    inviterId,
    candidates: sources.map((s) => s.code).sort(),
    reason: null,
  };
}

function claim(sources: readonly Source[], attribution: Attribution, n: number): Source[] {
  const known = sources.every((s) => s.count !== null);
  if (known && sources.reduce((total, s) => total + (s.count ?? 0), 0) === n) return [];
  if (attribution.confidence !== 'exact') return [...sources];
  const less = (v: number | null) => (v === null ? null : v - n);
  return sources
    .map((s) => (s.code === attribution.inviteCode ? { ...s, count: less(s.count), max: less(s.max) } : s))
    .filter((s) => s.max === null || s.max > 0);
}

/** What waits for late joins: every invite source (the vanity URL is a source of every batch). */
function waitingAfter(sources: readonly Source[], after: Fetched): Unclaimed[] {
  return sources.filter((s) => s.code !== after.vanity).map(({ vanished: _vanished, ...u }) => u);
}
