import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { epochMs, snowflake } from './ids.ts';

/** Discord's longest timeout, in ms: 28 days. */
const MAX_TIMEOUT_MS = 28 * 86_400_000;

/** What a moderator's command asks the enforcer to do. */
export const moderationAction = z.enum(['warn', 'timeout', 'kick', 'ban', 'unban', 'purge', 'note']);
export type ModerationAction = z.infer<typeof moderationAction>;

const requestFields = {
  guildId: snowflake,
  moderatorId: snowflake,
  reason: z.string().trim().min(1).max(500),
  /** The slash command's interaction id: one request, one action, one case. */
  requestId: snowflake,
  requestedAt: epochMs,
  /**
   * The interaction's webhook, so the enforcer can tell the moderator (privately, in a follow-up)
   * the case number and how it went; Discord keeps it valid for 15 minutes.
   */
  reply: z.strictObject({ applicationId: snowflake, token: z.string().min(1).max(500) }).nullable(),
};

/**
 * A moderator's /warn, /timeout, /kick, /ban, /unban, /purge or /note, checked by the gateway
 * (permissions, role hierarchy, arguments) and carried out once by the enforcer, which opens
 * the case and audits it in the moderator's name.
 */
export const moderationRequested = defineEvent({
  version: 1,
  schema: z.discriminatedUnion('action', [
    z.strictObject({ ...requestFields, action: z.literal('warn'), userId: snowflake }),
    z.strictObject({ ...requestFields, action: z.literal('note'), userId: snowflake }),
    z.strictObject({
      ...requestFields,
      action: z.literal('timeout'),
      userId: snowflake,
      durationMs: z.number().int().min(60_000).max(MAX_TIMEOUT_MS),
    }),
    z.strictObject({ ...requestFields, action: z.literal('kick'), userId: snowflake }),
    z.strictObject({
      ...requestFields,
      action: z.literal('ban'),
      userId: snowflake,
      /** Discord deletes the user's messages of this many seconds back (at most 7 days). */
      deleteMessageSeconds: z.number().int().min(0).max(604_800),
    }),
    z.strictObject({ ...requestFields, action: z.literal('unban'), userId: snowflake }),
    z.strictObject({
      ...requestFields,
      action: z.literal('purge'),
      /** Only this member's messages were picked, or null for anyone's. */
      userId: snowflake.nullable(),
      channelId: snowflake,
      /** The messages picked when the command ran (under 14 days old), so a retry deletes the same. */
      messageIds: z.array(snowflake).min(1).max(100),
    }),
  ]),
  subject: (e) => `verdict.${e.guildId}.moderation`,
  filter: 'verdict.*.moderation',
  dedupeId: (e) => `moderation:${e.requestId}`,
});

/** `/case edit N reason`: a corrected reason, kept beside the old one in the audit chain. */
export const caseReasonEdited = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    caseNumber: z.number().int().positive(),
    reason: z.string().trim().min(1).max(500),
    moderatorId: snowflake,
    requestId: snowflake,
    requestedAt: epochMs,
  }),
  subject: (e) => `verdict.${e.guildId}.case.edit`,
  filter: 'verdict.*.case.edit',
  dedupeId: (e) => `case.edit:${e.requestId}`,
});

/** A member's appeal of a case, from the modal behind the Appeal button of their DM. */
export const appealSubmitted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    caseNumber: z.number().int().positive(),
    userId: snowflake,
    /** What the member wrote; posted to the moderators, only its hash is stored. */
    text: z.string().trim().min(10).max(1000),
    /** The modal submission's interaction id: one submission, one appeal. */
    requestId: snowflake,
    submittedAt: epochMs,
  }),
  subject: (e) => `verdict.${e.guildId}.appeal.submitted`,
  filter: 'verdict.*.appeal.submitted',
  dedupeId: (e) => `appeal.submitted:${e.requestId}`,
});

/** A moderator's Accept or Deny on an appeal posted in the appeal channel. */
export const appealDecided = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    caseNumber: z.number().int().positive(),
    decision: z.enum(['accept', 'deny']),
    moderatorId: snowflake,
    /** The click's interaction id: one click, one effect. */
    requestId: snowflake,
    decidedAt: epochMs,
  }),
  subject: (e) => `verdict.${e.guildId}.appeal.decided`,
  filter: 'verdict.*.appeal.decided',
  dedupeId: (e) => `appeal.decided:${e.requestId}`,
});
