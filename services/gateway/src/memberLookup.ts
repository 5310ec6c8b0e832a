import { type Client, DiscordAPIError, type Guild, type GuildMember, PermissionFlagsBits } from 'discord.js';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { MemberStanding } from './commands/checkHierarchy.ts';
import type { MemberLookup } from './commands/moderationCommand.ts';

function standing(member: GuildMember): MemberStanding {
  return {
    userId: member.id,
    topRolePosition: member.roles.highest.position,
    isAdministrator: member.permissions.has(PermissionFlagsBits.Administrator),
  };
}

const isUnknown = (err: unknown, code: number) => err instanceof DiscordAPIError && err.code === code;

/** Members and bans as discord.js knows them (its cache, else Discord's REST API). */
export function discordMemberLookup(client: Client): MemberLookup {
  const guildOf = async (guildId: string): Promise<Guild> =>
    client.guilds.cache.get(guildId) ?? client.guilds.fetch(guildId);
  const memberOf = async (guild: Guild, userId: string): Promise<GuildMember | null> => {
    try {
      return await guild.members.fetch(userId);
    } catch (err) {
      if (isUnknown(err, RESTJSONErrorCodes.UnknownMember) || isUnknown(err, RESTJSONErrorCodes.UnknownUser))
        return null;
      throw err;
    }
  };
  return {
    async hierarchy(guildId, callerId, targetId) {
      const guild = await guildOf(guildId);
      const [caller, target, bot] = await Promise.all([
        memberOf(guild, callerId),
        memberOf(guild, targetId),
        guild.members.fetchMe(),
      ]);
      if (!caller) throw new Error(`the caller ${callerId} is not a member of ${guildId}`);
      return {
        ownerId: guild.ownerId,
        bot: standing(bot),
        caller: standing(caller),
        target: target ? standing(target) : null,
      };
    },
    async isBanned(guildId, userId) {
      const guild = await guildOf(guildId);
      try {
        await guild.bans.fetch({ user: userId, force: true });
        return true;
      } catch (err) {
        if (isUnknown(err, RESTJSONErrorCodes.UnknownBan)) return false;
        throw err;
      }
    },
  };
}
