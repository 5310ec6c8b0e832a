import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { epochMs, snowflake } from './ids.ts';

/**
 * How sure the invite-tracker is of the invite a member used: `exact` when the invites' use
 * counts leave one possibility, `ambiguous` with the candidates when they leave several,
 * `vanity` for the vanity URL, `unknown` with a reason.
 */
export const attributionConfidence = z.enum(['exact', 'ambiguous', 'vanity', 'unknown']);
export type AttributionConfidence = z.infer<typeof attributionConfidence>;

/** How an exact attribution was settled: `exact (uses)` or `exact (member search)`. */
export const attributionMethod = z.enum(['uses', 'member-search']);
export type AttributionMethod = z.infer<typeof attributionMethod>;

/** Why an attribution is `unknown`. */
export const attributionUnknownReason = z.enum([
  /** The bot may not list the guild's invites (no Manage Server). */
  'no-permission',
  /** Only invites that vanished (deleted, expired, used up) could explain it, and their counts do not. */
  'invite-vanished',
  /** The snapshot was rebuilt after the member joined, so the change in uses was lost. */
  'restart',
  /** No invite's uses changed enough to account for the join. */
  'no-change',
  /** The join reached the tracker too long after it happened to be matched safely. */
  'late',
  /** Bots are added through OAuth, never through an invite. */
  'bot',
]);
export type AttributionUnknownReason = z.infer<typeof attributionUnknownReason>;

export const memberAttributed = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    userId: snowflake,
    username: z.string(),
    globalName: z.string().nullable(),
    /** Null for the default avatar. */
    avatar: z.string().nullable(),
    bot: z.boolean(),
    joinedAt: epochMs,
    /** From the user id's snowflake. */
    accountCreatedAt: epochMs,
    accountAgeMs: z.number().int(),
    /** The invite used (the vanity code for `vanity`), null unless `exact` or `vanity`. */
    inviteCode: z.string().nullable(),
    /** Who made that invite; also set for `ambiguous` when every candidate has the same inviter. */
    inviterId: snowflake.nullable(),
    confidence: attributionConfidence,
    /** The invites (and vanity code) it may have been, for `ambiguous`; empty otherwise. */
    candidates: z.array(z.string()),
    /** Why, for `unknown`; null otherwise. */
    reason: attributionUnknownReason.nullable(),
    /** The referral campaign of the invite; null until campaigns exist. */
    campaign: z.string().nullable(),
    /**
     * How an `exact` (or `vanity`) answer was settled: by the change in `uses`, or by Discord's
     * member search where the uses left it ambiguous; absent otherwise.
     */
    method: attributionMethod.optional(),
  }),
  subject: (e) => `signal.${e.guildId}.member.attributed`,
  filter: 'signal.*.member.attributed',
  dedupeId: (e) => `member.attributed:${e.guildId}:${e.userId}:${e.joinedAt}`,
});
