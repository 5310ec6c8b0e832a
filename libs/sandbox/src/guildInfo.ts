import type { SandboxGuild } from './sandboxState.ts';

/** The named ids of a seeded guild, so a test can say "the general channel" or "the moderator". */
export interface GuildInfo {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly adminId: string | null;
  readonly moderatorId: string | null;
  /** Channel ids by name: general, chat, media, mod-log, alerts. */
  readonly channels: Readonly<Record<string, string>>;
  /** Role ids: everyone, bot, admin, moderator. */
  readonly roles: Readonly<Record<string, string>>;
  /** Members without any role (ordinary users), in join order. */
  readonly memberIds: readonly string[];
}

/** Names the ids of a guild's channels, roles and people. */
export function describeGuild(guild: SandboxGuild, botUserId: string): GuildInfo {
  const roleId = (name: string): string | undefined =>
    Object.values(guild.roles).find((r) => r.name === name)?.id;
  const holder = (id: string | undefined): string | null =>
    id === undefined
      ? null
      : (Object.values(guild.members).find((m) => m.roles.includes(id) && m.userId !== botUserId)?.userId ??
        null);
  const roles: Record<string, string> = { everyone: guild.id };
  const bot = guild.members[botUserId]?.roles.find((r) => guild.roles[r]?.managed);
  if (bot) roles.bot = bot;
  const admin = roleId('Admin');
  const moderator = roleId('Moderator');
  if (admin) roles.admin = admin;
  if (moderator) roles.moderator = moderator;
  return {
    id: guild.id,
    name: guild.name,
    ownerId: guild.ownerId,
    adminId: holder(admin),
    moderatorId: holder(moderator),
    channels: Object.fromEntries(Object.values(guild.channels).map((c) => [c.name, c.id])),
    roles,
    memberIds: Object.values(guild.members)
      .filter((m) => m.roles.length === 0 && m.userId !== guild.ownerId && m.userId !== botUserId)
      .map((m) => m.userId),
  };
}
