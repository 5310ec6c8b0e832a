import { z } from 'zod';
import { epochMs, snowflake } from './ids.ts';

/** Who asked: the dashboard's signed-in user, named for the audit log. */
const requester = z.strictObject({ userId: snowflake, username: z.string().min(1).max(100) });

const problem = z.strictObject({ field: z.string(), message: z.string() });

/**
 * Changes another service asks a table's owner to make, and waits for (NATS request/reply, so
 * the asker only says "saved" once the owner has it). The gateway owns `guild_config` and
 * `campaign`; the dashboard asks it. Each reply is `{ ok: true, result }` or a refusal with the
 * reason to show.
 */
export const ownerRequests = {
  'guild-config.update': {
    subject: 'request.gateway.guild-config.update',
    request: z.strictObject({
      guildId: snowflake,
      /** The settings to change, merged over the stored ones and checked by the config schema. */
      settings: z.record(z.string(), z.unknown()),
      by: requester,
      /** Where on the dashboard, for the audit entry ("settings", "YAML import", a profile). */
      via: z.string().min(1).max(100),
      profile: z.string().max(100).optional(),
      at: epochMs,
    }),
    result: z.strictObject({
      config: z.record(z.string(), z.unknown()),
      revision: z.number().int(),
      changes: z.array(z.string()),
    }),
  },
  'campaign.create': {
    subject: 'request.gateway.campaign.create',
    request: z.strictObject({
      guildId: snowflake,
      name: z.string().min(1).max(50),
      inviteCode: z.string().min(1).max(100),
      channelId: snowflake,
      by: requester,
      at: epochMs,
    }),
    result: z.strictObject({
      campaign: z.strictObject({
        id: z.string(),
        name: z.string(),
        inviteCode: z.string(),
        channelId: z.string(),
        createdBy: z.string(),
        createdAt: z.string(),
        endedAt: z.string().nullable(),
      }),
    }),
  },
  'campaign.end': {
    subject: 'request.gateway.campaign.end',
    request: z.strictObject({
      guildId: snowflake,
      campaignId: z.string().min(1),
      by: requester,
      at: epochMs,
    }),
    result: z.strictObject({ ended: z.boolean() }),
  },
} as const;

export type OwnerRequestName = keyof typeof ownerRequests;
export type OwnerRequest<N extends OwnerRequestName> = z.infer<(typeof ownerRequests)[N]['request']>;
export type OwnerResult<N extends OwnerRequestName> = z.infer<(typeof ownerRequests)[N]['result']>;

/** Why an owner refused: `invalid` (with the fields), `conflict`, `not-found`, or `failed` (its own error, e.g. PostgreSQL down). */
export const ownerRefusal = z.strictObject({
  ok: z.literal(false),
  code: z.enum(['invalid', 'conflict', 'not-found', 'failed']),
  message: z.string(),
  errors: z.array(problem).optional(),
});
export type OwnerRefusal = z.infer<typeof ownerRefusal>;

/** Each problem of a failed parse with the field it is about, for a form to show beside it. */
export function problemsOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field:
      issue.path.length > 0
        ? issue.path.join('.')
        : issue.code === 'unrecognized_keys'
          ? issue.keys.join(', ')
          : '(config)',
    message: issue.message,
  }));
}
