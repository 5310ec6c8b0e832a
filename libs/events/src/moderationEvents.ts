import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { guildConfigSchema } from './guildConfig.ts';
import { epochMs, snowflake } from './ids.ts';

export const violationType = z.enum([
  'spam',
  'bad_word',
  'invite',
  'link',
  'mass_mention',
  'character_limit',
]);
export type ViolationType = z.infer<typeof violationType>;

export const violationDetected = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    channelId: snowflake,
    messageId: snowflake,
    userId: snowflake,
    violations: z.array(z.strictObject({ type: violationType, detail: z.string().max(200) })).min(1),
    /** sha256 of the message content: the content itself never leaves the filter. */
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    /** 0 for the message as created, the edit time for an edit. */
    revision: epochMs,
    detectedAt: epochMs,
  }),
  subject: (e) => `verdict.${e.guildId}.violation`,
  filter: 'verdict.*.violation',
  dedupeId: (e) => `verdict:${e.messageId}:${e.revision}`,
});

/** A Discord action's result as the enforcer's ledger records it. */
export const actionOutcome = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('done') }),
  z.strictObject({ status: z.literal('failed'), reason: z.string().max(500) }),
]);

/**
 * A verdict whose message the enforcer has deleted (or Discord refused to): what it still owes
 * is the case, the warning or timeout and the audit entries. Published before the verdict is
 * acknowledged, so those steps outlive a crash; the enforcer consumes it with its own concurrency.
 */
export const verdictEnforced = defineEvent({
  version: 1,
  schema: z.strictObject({
    verdict: violationDetected.schema,
    deletion: actionOutcome,
  }),
  subject: (e) => `followup.${e.verdict.guildId}.verdict`,
  filter: 'followup.*.verdict',
  dedupeId: (e) => `followup:${e.verdict.messageId}:${e.verdict.revision}`,
});

const auditValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const auditRecorded = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    /** What was done, e.g. `message.delete`, `member.timeout`, `config.update`, `action.failed`. */
    action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/),
    actorId: z.string().min(1),
    targetId: snowflake.nullable(),
    reason: z.string().max(500),
    details: z.record(z.string(), auditValue),
    /** Unique per effect: the same key is recorded once. */
    idempotencyKey: z.string().min(1).max(200),
    at: epochMs,
  }),
  subject: (e) => `audit.${e.guildId}.recorded`,
  filter: 'audit.*.recorded',
  dedupeId: (e) => `audit:${e.idempotencyKey}`,
});

export const configChanged = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    config: guildConfigSchema,
    revision: z.number().int().positive(),
    changedBy: snowflake,
    changedAt: epochMs,
  }),
  subject: (e) => `config.${e.guildId}.changed`,
  filter: 'config.*.changed',
  dedupeId: (e) => `config:${e.guildId}:${e.revision}`,
});

export const unmuteRequested = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    userId: snowflake,
    moderatorId: snowflake,
    reason: z.string().max(500),
    /** The slash command's interaction id: one request, one unmute. */
    requestId: snowflake,
    requestedAt: epochMs,
  }),
  subject: (e) => `verdict.${e.guildId}.unmute`,
  filter: 'verdict.*.unmute',
  dedupeId: (e) => `unmute:${e.requestId}`,
});
