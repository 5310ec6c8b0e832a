import type { SandboxGuild } from './sandboxState.ts';
import type { TrafficGuild } from './trafficBuilder.ts';

/** A sandbox guild as the traffic generator sees it: public channels, members, staff who make invites. */
export function trafficGuildOf(guild: SandboxGuild, botUserId: string): TrafficGuild {
  const members = Object.values(guild.members).filter((m) => m.userId !== botUserId);
  return {
    guildId: guild.id,
    channelIds: Object.values(guild.channels)
      .filter((c) => c.permissionOverwrites.length === 0)
      .map((c) => c.id),
    memberIds: members.map((m) => m.userId),
    inviterIds: [guild.ownerId, ...members.filter((m) => m.roles.length > 0).map((m) => m.userId)],
    vanityCode: guild.vanityCode,
  };
}
