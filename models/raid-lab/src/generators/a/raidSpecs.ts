import type { RaidFamily } from '../scenario.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, YEAR_MS } from './ids.ts';
import type { Range } from './rng.ts';

/** How raiders get in: the guild's everyday invite, its vanity URL, one fresh invite, or many. */
export type Entry = 'everyday' | 'vanity' | 'fresh' | 'many';
/** How raider accounts were made: a fresh batch, each just before it joins, or bought and aged. */
export type BatchKind = 'fresh' | 'just-in-time' | 'aged';
/** Whether raiders post: never, each soon after joining, or all together after the last join. */
export type PostMode = 'silent' | 'on-join' | 'together';
/** How raider names look. */
export type RaiderNameStyle = 'random' | 'stem-digits' | 'copy' | 'realistic';

export type Pace =
  /** A burst at a drawn rate (joins a second, log-uniform), no longer than `maxSpanMs`. */
  | { readonly kind: 'burst'; readonly perSec: Range; readonly maxSpanMs: number }
  /** A drip with a drawn mean gap between joins (log-uniform). */
  | { readonly kind: 'drip'; readonly gapMs: Range };

export interface RaidSpec {
  /** Raiders (log-uniform). */
  readonly size: Range;
  readonly pace: Pace;
  readonly entry: Readonly<Record<Entry, number>>;
  readonly batch: Readonly<Partial<Record<BatchKind, number>>>;
  readonly names: Readonly<Record<RaiderNameStyle, number>>;
  /** Share of raiders with an avatar (uniform). */
  readonly avatarShare: Range;
  readonly posting: Readonly<Record<PostMode, number>>;
  /** When "together" posting starts after the last join (log-uniform). */
  readonly togetherAfterMs: Range;
}

/** Each family's ranges and weights. */
export const RAID_SPECS: Readonly<Record<RaidFamily, RaidSpec>> = {
  'fast-flood': {
    size: [12, 3000],
    pace: { kind: 'burst', perSec: [1, 60], maxSpanMs: 150_000 },
    entry: { everyday: 3, vanity: 2, fresh: 3.5, many: 1.5 },
    batch: { fresh: 85, 'just-in-time': 15 },
    names: { random: 3, 'stem-digits': 3.5, copy: 2, realistic: 1.5 },
    avatarShare: [0, 0.4],
    posting: { silent: 1, 'on-join': 6, together: 3 },
    togetherAfterMs: [2000, 10 * MINUTE_MS],
  },
  'multi-invite': {
    size: [20, 3000],
    pace: { kind: 'burst', perSec: [0.3, 30], maxSpanMs: 10 * MINUTE_MS },
    entry: { everyday: 0, vanity: 0, fresh: 0, many: 1 },
    batch: { fresh: 85, 'just-in-time': 15 },
    names: { random: 3, 'stem-digits': 3, copy: 2, realistic: 2 },
    avatarShare: [0, 0.5],
    posting: { silent: 1.5, 'on-join': 5, together: 3.5 },
    togetherAfterMs: [2000, 20 * MINUTE_MS],
  },
  'aged-accounts': {
    size: [8, 1000],
    pace: { kind: 'burst', perSec: [0.05, 10], maxSpanMs: 30 * MINUTE_MS },
    entry: { everyday: 3, vanity: 2, fresh: 3.5, many: 1.5 },
    batch: { aged: 1 },
    names: { random: 2, 'stem-digits': 1.5, copy: 1.5, realistic: 5 },
    avatarShare: [0.2, 1],
    posting: { silent: 4, 'on-join': 3, together: 3 },
    togetherAfterMs: [5000, HOUR_MS],
  },
  'slow-drip': {
    size: [6, 150],
    pace: { kind: 'drip', gapMs: [2 * MINUTE_MS, 20 * MINUTE_MS] },
    entry: { everyday: 3.5, vanity: 2.5, fresh: 2.5, many: 1.5 },
    batch: { fresh: 35, 'just-in-time': 35, aged: 30 },
    names: { random: 2, 'stem-digits': 2.5, copy: 1.5, realistic: 4 },
    avatarShare: [0, 0.8],
    posting: { silent: 4.5, 'on-join': 1.5, together: 4 },
    togetherAfterMs: [5000, 2 * HOUR_MS],
  },
};

/** Ranges every family shares. */
export const RAID = {
  /** Fresh batch: the youngest account's age at the raid and the batch's width (log-uniform). */
  freshLeadMs: [2 * MINUTE_MS, 5 * DAY_MS] as Range,
  freshWidthMs: [MINUTE_MS, 3 * DAY_MS] as Range,
  /** Bought accounts: the youngest's age and the width of their creation dates (log-uniform). */
  agedLeadMs: [60 * DAY_MS, 6 * YEAR_MS] as Range,
  agedWidthMs: [5 * MINUTE_MS, 7 * YEAR_MS] as Range,
  /** Accounts made by the script just before each joins (log-uniform). */
  justInTimeMs: [20_000, 30 * MINUTE_MS] as Range,
  /** Chance the batch was made in join order (else shuffled). */
  sortedBatch: 0.5,
  /** Chance a raid's names mix two styles. */
  mixedNames: 0.3,
  /** Fresh raid invites: made this long before the first join (log-uniform). */
  inviteLeadMs: [10_000, 2 * DAY_MS] as Range,
  /** "Many" invites: raiders per invite (log-uniform), at least 3 and at most 60 invites. */
  perInvite: [3, 100] as Range,
  maxInvites: 60,
  /** Chance "many" also sends a share (10–50%) through the everyday invite or vanity URL. */
  manyAlsoStanding: 0.4,
  /** Chance some raider joins go unattributed, and then that share. */
  unknownChance: 0.3,
  unknownShare: [0, 0.6] as Range,
  /** Spacing: even with ± this jitter, Poisson (drips: a quarter of the mean plus an exponential), or (bursts only) waves of this many at once. */
  jitter: { even: 1, poisson: 1, waves: 1 },
  evenJitter: [0, 0.6] as Range,
  waveSize: [3, 30] as Range,
  /** No two raider joins closer than this (at most 100 a second). */
  minGapMs: 10,
  /** Chance all raiders with an avatar share one image. */
  sharedAvatar: 0.3,
  /** Posting: share who post, messages each, the gap between, the delay after joining (log-uniform). */
  posterShare: [0.3, 1] as Range,
  messagesPerPoster: [1, 6] as Range,
  messageGapMs: [300, 5000] as Range,
  onJoinDelayMs: [300, 30_000] as Range,
  togetherSpreadMs: [1000, 60_000] as Range,
  /** Chance raiders post in one channel (else spread over the guild's channels). */
  oneChannel: 0.6,
  /** Share of raiders who leave (or are removed) 10 s–30 min after their last act. */
  leaveShare: [0, 0.5] as Range,
  leaveAfterMs: [10_000, 30 * MINUTE_MS] as Range,
} as const;
