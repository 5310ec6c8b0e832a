import {
  PermissionFlagsBits,
  type RESTGetAPIGuildMemberResult,
  type RESTGetAPIGuildResult,
  Routes,
} from 'discord-api-types/v10';

/** What the permission check needs of a guild, as the bot sees it. */
export interface GuildView {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  /** Role id → permission bits (decimal string, as Discord sends them). */
  readonly rolePermissions: Readonly<Record<string, string>>;
}

/** A member's guild-level permissions, as Discord computes them: @everyone, their roles, owner and Administrator. */
export function memberPermissions(guild: GuildView, userId: string, roleIds: readonly string[]): bigint {
  if (guild.ownerId === userId) return ~0n;
  let perms = BigInt(guild.rolePermissions[guild.id] ?? '0');
  for (const roleId of roleIds) perms |= BigInt(guild.rolePermissions[roleId] ?? '0');
  return perms & PermissionFlagsBits.Administrator ? ~0n : perms;
}

/** Whether the permissions include Manage Server (Administrator includes everything). */
export const canManage = (perms: bigint): boolean => (perms & PermissionFlagsBits.ManageGuild) !== 0n;

/** The one reason a guild is refused; the route answers 403 with it. */
export class GuildAccessDenied extends Error {
  constructor(
    readonly guildId: string,
    readonly reason: 'bot-absent' | 'not-member' | 'no-manage-guild',
  ) {
    super(`no access to guild ${guildId}: ${reason}`);
    this.name = 'GuildAccessDenied';
  }
}

export const isGuildAccessDenied = (err: unknown): err is GuildAccessDenied =>
  err instanceof GuildAccessDenied;

/** The bot's REST calls the check makes; @discordjs/rest's `REST` fits. */
export interface BotRest {
  get(route: `/${string}`, options?: { query?: URLSearchParams }): Promise<unknown>;
}

const isMissing = (err: unknown): boolean => {
  const status = (err as { status?: unknown }).status;
  return status === 403 || status === 404;
};

/**
 * Checks, against the bot's live view of the guild, that the bot is there and the user holds
 * Manage Server now (not when they signed in). Throws GuildAccessDenied otherwise.
 */
export async function requireManager(
  rest: BotRest,
  guildId: string,
  userId: string,
): Promise<{ guild: GuildView; permissions: bigint }> {
  if (!/^\d{1,20}$/.test(guildId)) throw new GuildAccessDenied(guildId, 'bot-absent');
  let raw: RESTGetAPIGuildResult;
  try {
    raw = (await rest.get(Routes.guild(guildId))) as RESTGetAPIGuildResult;
  } catch (err) {
    if (isMissing(err)) throw new GuildAccessDenied(guildId, 'bot-absent');
    throw err;
  }
  const guild: GuildView = {
    id: raw.id,
    name: raw.name,
    ownerId: raw.owner_id,
    rolePermissions: Object.fromEntries(raw.roles.map((r) => [r.id, r.permissions])),
  };
  let member: RESTGetAPIGuildMemberResult;
  try {
    member = (await rest.get(Routes.guildMember(guildId, userId))) as RESTGetAPIGuildMemberResult;
  } catch (err) {
    if (isMissing(err)) throw new GuildAccessDenied(guildId, 'not-member');
    throw err;
  }
  const permissions = memberPermissions(guild, userId, member.roles);
  if (!canManage(permissions)) throw new GuildAccessDenied(guildId, 'no-manage-guild');
  return { guild, permissions };
}
