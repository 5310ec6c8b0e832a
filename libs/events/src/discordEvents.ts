import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { epochMs, snowflake } from './ids.ts';

const messageFields = {
  guildId: snowflake,
  channelId: snowflake,
  messageId: snowflake,
  authorId: snowflake,
  authorIsBot: z.boolean(),
  content: z.string(),
  mentionUserIds: z.array(snowflake),
  mentionRoleIds: z.array(snowflake),
  mentionsEveryone: z.boolean(),
  memberRoleIds: z.array(snowflake),
  /** The author's computed guild permissions as a decimal bitfield string. */
  memberPermissions: z.string().regex(/^\d+$/),
};

export const messageCreated = defineEvent({
  version: 1,
  schema: z.strictObject({ ...messageFields, createdAt: epochMs }),
  subject: (e) => `discord.${e.guildId}.message.created`,
  filter: 'discord.*.message.created',
  dedupeId: (e) => `message.created:${e.messageId}`,
});

/** Members who joined within this long are newcomers: the raid detector reads their posts. */
export const NEWCOMER_MS = 24 * 60 * 60_000;

/**
 * A guild message whose author joined within NEWCOMER_MS (or whose join time the gateway could
 * not read), published beside its `message.created`: the anomaly-detector reads newcomers' first
 * messages, and every replica would otherwise read every message of every guild for them.
 */
export const newcomerPosted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    channelId: snowflake,
    messageId: snowflake,
    authorId: snowflake,
    /** When the author joined; null when the message came without its member (read back over REST). */
    authorJoinedAt: epochMs.nullable(),
    content: z.string(),
    /** Users and roles mentioned. */
    mentionCount: z.number().int().nonnegative(),
    mentionsEveryone: z.boolean(),
    createdAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.newcomer.posted`,
  filter: 'discord.*.newcomer.posted',
  dedupeId: (e) => `newcomer.posted:${e.messageId}`,
});

export const messageUpdated = defineEvent({
  version: 1,
  schema: z.strictObject({ ...messageFields, editedAt: epochMs }),
  subject: (e) => `discord.${e.guildId}.message.updated`,
  filter: 'discord.*.message.updated',
  dedupeId: (e) => `message.updated:${e.messageId}:${e.editedAt}`,
});

export const messageDeleted = defineEvent({
  version: 1,
  schema: z.strictObject({ guildId: snowflake, channelId: snowflake, messageId: snowflake }),
  subject: (e) => `discord.${e.guildId}.message.deleted`,
  filter: 'discord.*.message.deleted',
  dedupeId: (e) => `message.deleted:${e.messageId}`,
});

export const memberJoined = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    userId: snowflake,
    username: z.string(),
    globalName: z.string().nullable(),
    avatar: z.string().nullable(),
    bot: z.boolean(),
    joinedAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.member.joined`,
  filter: 'discord.*.member.joined',
  dedupeId: (e) => `member.joined:${e.guildId}:${e.userId}:${e.joinedAt}`,
});

export const memberLeft = defineEvent({
  version: 1,
  schema: z.strictObject({ guildId: snowflake, userId: snowflake, leftAt: epochMs }),
  subject: (e) => `discord.${e.guildId}.member.left`,
  filter: 'discord.*.member.left',
  dedupeId: (e) => `member.left:${e.guildId}:${e.userId}:${e.leftAt}`,
});

export const memberUpdated = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    userId: snowflake,
    roleIds: z.array(snowflake),
    communicationDisabledUntil: epochMs.nullable(),
    updatedAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.member.updated`,
  filter: 'discord.*.member.updated',
  dedupeId: (e) => `member.updated:${e.guildId}:${e.userId}:${e.updatedAt}`,
});

export const inviteCreated = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    channelId: snowflake,
    code: z.string().min(1),
    inviterId: snowflake.nullable(),
    uses: z.number().int().nonnegative(),
    maxUses: z.number().int().nonnegative(),
    maxAgeSec: z.number().int().nonnegative(),
    createdAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.invite.created`,
  filter: 'discord.*.invite.created',
  dedupeId: (e) => `invite.created:${e.guildId}:${e.code}`,
});

export const inviteDeleted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    channelId: snowflake,
    code: z.string().min(1),
    deletedAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.invite.deleted`,
  filter: 'discord.*.invite.deleted',
  dedupeId: (e) => `invite.deleted:${e.guildId}:${e.code}`,
});

const optionValue = z.union([z.string(), z.number(), z.boolean()]);

export const interactionCreated = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    channelId: snowflake,
    interactionId: snowflake,
    applicationId: snowflake,
    token: z.string().min(1),
    kind: z.enum(['command', 'button', 'modal']),
    commandName: z.string().nullable(),
    subcommand: z.string().nullable(),
    options: z.record(z.string(), optionValue),
    customId: z.string().nullable(),
    /** A submitted modal's text inputs, by custom id. */
    fields: z.record(z.string().max(100), z.string().max(4000)).optional(),
    userId: snowflake,
    memberRoleIds: z.array(snowflake),
    memberPermissions: z.string().regex(/^\d+$/),
    createdAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.interaction.created`,
  filter: 'discord.*.interaction.created',
  dedupeId: (e) => `interaction:${e.interactionId}`,
});

export const guildAvailable = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    name: z.string(),
    memberCount: z.number().int().nonnegative(),
    vanityCode: z.string().nullable(),
    availableAt: epochMs,
  }),
  subject: (e) => `discord.${e.guildId}.guild.available`,
  filter: 'discord.*.guild.available',
  dedupeId: (e) => `guild.available:${e.guildId}:${e.availableAt}`,
});
