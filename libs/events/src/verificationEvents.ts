import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { epochMs, snowflake } from './ids.ts';

/** Why a newcomer was gated or flagged: the gate mode, a raid gate, or an entry check. */
export const entryFlag = z.enum([
  'always',
  'raid-gate',
  'account-age',
  'default-avatar',
  'name-pattern',
  'seen-in-raid',
  'shared-address',
]);
export type EntryFlag = z.infer<typeof entryFlag>;

const memberFields = { guildId: snowflake, userId: snowflake, joinedAt: epochMs };

/** A newcomer was gated: given the Unverified role until they pass. */
export const verificationStarted = defineEvent({
  version: 1,
  schema: z.strictObject({
    ...memberFields,
    reasons: z.array(entryFlag).min(1).max(10),
    /** The raid gate in force, if the gate was opened by the detector. */
    gateId: z.string().max(40).nullable(),
    deadlineAt: epochMs,
    startedAt: epochMs,
  }),
  subject: (e) => `verification.${e.guildId}.started`,
  filter: 'verification.*.started',
  dedupeId: (e) => `verification.started:${e.guildId}:${e.userId}:${e.joinedAt}`,
});

/** A gated member solved the challenge; the Unverified role is gone. */
export const verificationPassed = defineEvent({
  version: 1,
  schema: z.strictObject({
    ...memberFields,
    /** How long from being gated to passing. */
    tookMs: z.number().int().nonnegative(),
    /** `web` for the page, `discord` for the in-Discord fallback. */
    via: z.enum(['web', 'discord']),
    passedAt: epochMs,
  }),
  subject: (e) => `verification.${e.guildId}.passed`,
  filter: 'verification.*.passed',
  dedupeId: (e) => `verification.passed:${e.guildId}:${e.userId}:${e.joinedAt}`,
});

/** A gated member used up their attempts; the guild's failure action applied. */
export const verificationFailed = defineEvent({
  version: 1,
  schema: z.strictObject({
    ...memberFields,
    attempts: z.number().int().positive(),
    action: z.enum(['kick', 'keep']),
    failedAt: epochMs,
  }),
  subject: (e) => `verification.${e.guildId}.failed`,
  filter: 'verification.*.failed',
  dedupeId: (e) => `verification.failed:${e.guildId}:${e.userId}:${e.joinedAt}`,
});

/** A gated member did not pass within the guild's time limit; the failure action applied. */
export const verificationExpired = defineEvent({
  version: 1,
  schema: z.strictObject({
    ...memberFields,
    action: z.enum(['kick', 'keep']),
    expiredAt: epochMs,
  }),
  subject: (e) => `verification.${e.guildId}.expired`,
  filter: 'verification.*.expired',
  dedupeId: (e) => `verification.expired:${e.guildId}:${e.userId}:${e.joinedAt}`,
});

/** A member the moderators should look at: several accounts verified from one address. */
export const verificationFlagged = defineEvent({
  version: 1,
  schema: z.strictObject({
    ...memberFields,
    flag: entryFlag,
    /** The other accounts behind the same address within the guild's window. */
    relatedUserIds: z.array(snowflake).max(50),
    flaggedAt: epochMs,
  }),
  subject: (e) => `verification.${e.guildId}.flagged`,
  filter: 'verification.*.flagged',
  dedupeId: (e) => `verification.flagged:${e.guildId}:${e.userId}:${e.joinedAt}:${e.flag}`,
});
