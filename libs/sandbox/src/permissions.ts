import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { SandboxChannel, SandboxGuild } from './sandboxState.ts';

/** Every permission bit Discord defines, OR-ed together. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** OR of the named permission bits. */
export function bits(...flags: (keyof typeof PermissionFlagsBits)[]): bigint {
  return flags.reduce((all, flag) => all | PermissionFlagsBits[flag], 0n);
}

/** Guild-level permissions of a member: @everyone plus their roles; owner and Administrator get all. */
export function basePermissions(guild: SandboxGuild, userId: string): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = guild.members[userId];
  let perms = BigInt(guild.roles[guild.id]?.permissions ?? '0');
  for (const roleId of member?.roles ?? []) perms |= BigInt(guild.roles[roleId]?.permissions ?? '0');
  return perms & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : perms;
}

/** Channel permissions as Discord computes them: @everyone overwrite, role overwrites together, then the member's. */
export function channelPermissions(guild: SandboxGuild, channel: SandboxChannel, userId: string): bigint {
  if (isAdministrator(guild, userId)) return ALL_PERMISSIONS;
  let perms = basePermissions(guild, userId);
  const overwrites = channel.permissionOverwrites;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  const roles = new Set(guild.members[userId]?.roles ?? []);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guild.id && roles.has(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) perms = (perms & ~BigInt(own.deny)) | BigInt(own.allow);
  // Without View Channel a member has no other permission in the channel.
  return perms & PermissionFlagsBits.ViewChannel ? perms : 0n;
}

/** True when the member's guild permissions include Administrator (or they own the guild). */
export function isAdministrator(guild: SandboxGuild, userId: string): boolean {
  if (guild.ownerId === userId) return true;
  let perms = BigInt(guild.roles[guild.id]?.permissions ?? '0');
  for (const roleId of guild.members[userId]?.roles ?? []) {
    perms |= BigInt(guild.roles[roleId]?.permissions ?? '0');
  }
  return (perms & PermissionFlagsBits.Administrator) !== 0n;
}

/** Position of the member's highest role (0 for @everyone only). */
export function highestRolePosition(guild: SandboxGuild, userId: string): number {
  let highest = 0;
  for (const roleId of guild.members[userId]?.roles ?? []) {
    highest = Math.max(highest, guild.roles[roleId]?.position ?? 0);
  }
  return highest;
}

/**
 * Whether `actorId` may kick, ban or time out `targetId` by the role hierarchy: the owner is
 * protected, and otherwise the actor's highest role must be strictly above the target's.
 * (Discord also refuses to time out a member with Administrator: see `mayTimeOut`.)
 */
export function outranks(guild: SandboxGuild, actorId: string, targetId: string): boolean {
  if (targetId === guild.ownerId) return false;
  if (actorId === guild.ownerId) return true;
  return highestRolePosition(guild, actorId) > highestRolePosition(guild, targetId);
}

/** Whether `actorId` may time out `targetId`: outranking them, and never an administrator. */
export function mayTimeOut(guild: SandboxGuild, actorId: string, targetId: string): boolean {
  return !isAdministrator(guild, targetId) && outranks(guild, actorId, targetId);
}
