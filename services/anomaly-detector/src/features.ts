import type { GuildWindow } from './guildWindow.ts';
import { count, lookAlikeCount, sameBatchShare, share, topInvite, youngerThan } from './joinStats.ts';

/**
 * The feature vector's layout. A model is trained for one version and refuses another.
 * v2 adds a 10-minute window against a 12-hour baseline beside the last minute, so that a
 * raid dripping in one account a minute adds up, and the account-batch share of aged raids.
 * v3 adds the last minute's account-batch share and share of joins through invites made
 * minutes ago, so that aged accounts bought in a batch are told apart within seconds.
 */
export const FEATURE_SPEC = {
  version: 3,
  names: [
    'joinsLastMinute',
    'joinsLast10Minutes',
    'rateVsBaseline',
    'rate10mVsBaseline',
    'youngUnder1dShare',
    'youngUnder7dShare',
    'youngUnder7dShare10m',
    'youngUnder7dCount10m',
    'defaultAvatarShare',
    'defaultAvatarShare10m',
    'youngDefaultAvatarCount10m',
    'lookAlikeNameShare',
    'lookAlikeNameCount10m',
    'topInviteShare',
    'topInviteShare10m',
    'topInviteYoung',
    'sameBatchShare10m',
    'sameBatchShare',
    'freshInviteShare',
    'rejoinShare10m',
    'quickMessageShare10m',
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
const LONG = 10 * MINUTE;
/** An invite made this recently that most joins come through is one a raid was handed. */
const FRESH_INVITE_MS = 15 * MINUTE;

/** log(1 + x) / log(1 + max): a count on a 0..1 scale that keeps growing slowly. */
const logScale = (x: number, max: number): number =>
  Math.min(1, Math.log1p(Math.max(0, x)) / Math.log1p(max));

const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The versioned feature vector of a guild's last minute and last 10 minutes of joins against
 * its own baseline, computed from plain data at `now`; the same window and time always give
 * the same vector.
 */
export function computeFeatures(window: GuildWindow, now: number): GuildFeatures {
  const joins = window.recent(now, MINUTE);
  const long = window.recent(now, LONG);
  const baseline = Math.max(window.longBaselinePerMinute, 0.05);
  const rate = joins.length / baseline;
  const rate10 = long.length / (10 * baseline);
  const young1 = share(joins, youngerThan(1));
  const young7 = share(joins, youngerThan(7));
  const young7Long = count(long, youngerThan(7));
  const avatars = share(joins, (j) => j.defaultAvatar);
  const youngDefault = count(long, (j) => j.defaultAvatar && youngerThan(14)(j));
  const lookAlikeLong = lookAlikeCount(long);
  const top = topInvite(joins);
  const inviteCreated = top.code ? window.invitesCreated.get(top.code) : undefined;
  const inviteYoung = inviteCreated !== undefined && now - inviteCreated < 60 * MINUTE ? 1 : 0;
  const batch = long.length >= 5 ? sameBatchShare(long) : 0;
  const batchNow = joins.length >= 3 ? sameBatchShare(joins) : 0;
  const freshInvite = share(joins, (j) => {
    const created = j.inviteCode ? window.invitesCreated.get(j.inviteCode) : undefined;
    return created !== undefined && now - created < FRESH_INVITE_MS;
  });
  const quick = share(long, (j) => {
    const first = window.firstMessages.get(j.userId);
    return first !== undefined && first <= now && first - j.ts < 30_000;
  });
  const named: Record<FeatureName, number> = {
    joinsLastMinute: logScale(joins.length, 500),
    joinsLast10Minutes: logScale(long.length, 2000),
    rateVsBaseline: logScale(rate, 1000),
    rate10mVsBaseline: logScale(rate10, 1000),
    youngUnder1dShare: young1,
    youngUnder7dShare: young7,
    youngUnder7dShare10m: long.length === 0 ? 0 : young7Long / long.length,
    youngUnder7dCount10m: logScale(young7Long, 200),
    defaultAvatarShare: avatars,
    defaultAvatarShare10m: share(long, (j) => j.defaultAvatar),
    youngDefaultAvatarCount10m: logScale(youngDefault, 200),
    lookAlikeNameShare: joins.length === 0 ? 0 : lookAlikeCount(joins) / joins.length,
    lookAlikeNameCount10m: logScale(lookAlikeLong, 200),
    topInviteShare: top.share,
    topInviteShare10m: topInvite(long).share,
    topInviteYoung: inviteYoung,
    sameBatchShare10m: batch,
    sameBatchShare: batchNow,
    freshInviteShare: freshInvite,
    rejoinShare10m: share(long, (j) => j.rejoin),
    quickMessageShare10m: quick,
    guildSize: logScale(window.memberCount, 1_000_000),
  };
  const reasons: [number, string][] = [];
  const busy = joins.length >= 5;
  if (busy && rate >= 5) reasons.push([rate / 10, `join rate ${Math.round(rate)}x baseline`]);
  if (busy && young1 >= 0.5) reasons.push([young1, `${percent(young1)} accounts younger than 1 day`]);
  else if (busy && young7 >= 0.5)
    reasons.push([young7 * 0.8, `${percent(young7)} accounts younger than 7 days`]);
  if (young7Long >= 5 && young7Long / long.length >= 0.3)
    reasons.push([young7Long / 20, `${young7Long} accounts younger than 7 days in 10 min`]);
  if (busy && avatars >= 0.6) reasons.push([avatars * 0.7, `${percent(avatars)} default avatars`]);
  if (lookAlikeLong >= 5 && lookAlikeLong / long.length >= 0.4)
    reasons.push([lookAlikeLong / 25, `${lookAlikeLong} look-alike names in 10 min`]);
  if (busy && top.share >= 0.7 && top.code) {
    reasons.push([
      top.share * 0.6,
      `${percent(top.share)} through invite ${top.code}${inviteYoung ? ' (created within the hour)' : ''}`,
    ]);
  }
  const batchShown = busy ? Math.max(batch, batchNow) : batch;
  if (batchShown >= 0.5)
    reasons.push([batchShown * 0.8, `${percent(batchShown)} accounts created within the same 3 weeks`]);
  if (long.length >= 5 && quick >= 0.3)
    reasons.push([quick * 0.8, `${percent(quick)} posted within 30 s of joining`]);
  return {
    version: FEATURE_SPEC.version,
    vector: FEATURE_SPEC.names.map((n) => named[n]),
    named,
    reasons: reasons.sort((a, b) => b[0] - a[0]).map(([, text]) => text),
  };
}
