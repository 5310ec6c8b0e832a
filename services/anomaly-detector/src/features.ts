import type { GuildWindow, WindowJoin } from './guildWindow.ts';

/** The feature vector's layout. A model is trained for one version and refuses another. */
export const FEATURE_SPEC = {
  version: 1,
  names: [
    'joinsLastMinute',
    'rateVsBaseline',
    'youngUnder1dShare',
    'youngUnder7dShare',
    'defaultAvatarShare',
    'lookAlikeNameShare',
    'topInviteShare',
    'topInviteYoung',
    'rejoinShare',
    'quickMessageShare',
    'guildSize',
  ],
} as const;

export type FeatureName = (typeof FEATURE_SPEC.names)[number];

export interface GuildFeatures {
  readonly version: number;
  /** In FEATURE_SPEC.names order, each scaled to roughly 0..1 for the model. */
  readonly vector: number[];
  readonly named: Readonly<Record<FeatureName, number>>;
  /** The features that stand out, in words an admin understands, strongest first. */
  readonly reasons: string[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const share = (joins: readonly WindowJoin[], test: (j: WindowJoin) => boolean): number =>
  joins.length === 0 ? 0 : joins.filter(test).length / joins.length;

/** log(1 + x) / log(1 + max): a count on a 0..1 scale that keeps growing slowly. */
const logScale = (x: number, max: number): number =>
  Math.min(1, Math.log1p(Math.max(0, x)) / Math.log1p(max));

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** The share of joins whose name skeleton another join in the window shares. */
function lookAlikeShare(joins: readonly WindowJoin[]): number {
  const counts = new Map<string, number>();
  for (const j of joins)
    if (j.nameSkeleton.length >= 3) counts.set(j.nameSkeleton, (counts.get(j.nameSkeleton) ?? 0) + 1);
  return share(joins, (j) => (counts.get(j.nameSkeleton) ?? 0) > 1);
}

function topInvite(joins: readonly WindowJoin[]): { code: string | null; share: number } {
  const counts = new Map<string, number>();
  for (const j of joins) if (j.inviteCode) counts.set(j.inviteCode, (counts.get(j.inviteCode) ?? 0) + 1);
  let best: { code: string | null; share: number } = { code: null, share: 0 };
  for (const [code, n] of counts) if (n / joins.length > best.share) best = { code, share: n / joins.length };
  return best;
}

/**
 * The versioned feature vector of a guild's last minute of joins against its own baseline,
 * computed from plain data at `now`; the same window and time always give the same vector.
 */
export function computeFeatures(window: GuildWindow, now: number): GuildFeatures {
  const joins = window.recent(now, MINUTE);
  const baseline = Math.max(window.baselinePerMinute, 0.05);
  const rate = joins.length / baseline;
  const young1 = share(joins, (j) => j.ts - j.accountCreatedAt < DAY);
  const young7 = share(joins, (j) => j.ts - j.accountCreatedAt < 7 * DAY);
  const avatars = share(joins, (j) => j.defaultAvatar);
  const lookAlike = lookAlikeShare(joins);
  const top = topInvite(joins);
  const inviteCreated = top.code ? window.invitesCreated.get(top.code) : undefined;
  const inviteYoung = inviteCreated !== undefined && now - inviteCreated < 60 * MINUTE ? 1 : 0;
  const rejoins = share(joins, (j) => j.rejoin);
  const quick = share(joins, (j) => {
    const first = window.firstMessages.get(j.userId);
    return first !== undefined && first - j.ts < 30_000;
  });
  const named: Record<FeatureName, number> = {
    joinsLastMinute: logScale(joins.length, 500),
    rateVsBaseline: logScale(rate, 1000),
    youngUnder1dShare: young1,
    youngUnder7dShare: young7,
    defaultAvatarShare: avatars,
    lookAlikeNameShare: lookAlike,
    topInviteShare: top.share,
    topInviteYoung: inviteYoung,
    rejoinShare: rejoins,
    quickMessageShare: quick,
    guildSize: logScale(window.memberCount, 1_000_000),
  };
  const reasons: [number, string][] = [];
  if (joins.length >= 5 && rate >= 5) reasons.push([rate / 10, `join rate ${Math.round(rate)}x baseline`]);
  if (joins.length >= 5 && young1 >= 0.5)
    reasons.push([young1, `${percent(young1)} accounts younger than 1 day`]);
  else if (joins.length >= 5 && young7 >= 0.5)
    reasons.push([young7 * 0.8, `${percent(young7)} accounts younger than 7 days`]);
  if (joins.length >= 5 && avatars >= 0.6)
    reasons.push([avatars * 0.7, `${percent(avatars)} default avatars`]);
  if (joins.length >= 5 && lookAlike >= 0.4)
    reasons.push([lookAlike * 0.9, `${percent(lookAlike)} look-alike names`]);
  if (joins.length >= 5 && top.share >= 0.7 && top.code) {
    reasons.push([
      top.share * 0.6,
      `${percent(top.share)} through invite ${top.code}${inviteYoung ? ' (created within the hour)' : ''}`,
    ]);
  }
  if (joins.length >= 5 && quick >= 0.3)
    reasons.push([quick * 0.8, `${percent(quick)} posted within 30 s of joining`]);
  return {
    version: FEATURE_SPEC.version,
    vector: FEATURE_SPEC.names.map((n) => named[n]),
    named,
    reasons: reasons.sort((a, b) => b[0] - a[0]).map(([, text]) => text),
  };
}
