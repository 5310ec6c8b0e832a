import { GatewayDispatchEvents, PermissionFlagsBits, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { missingPermissions, unknown } from '../errors.ts';
import { apiRole } from '../payloads.ts';
import { basePermissions, highestRolePosition } from '../permissions.ts';
import {
  noContent,
  ok,
  param,
  parseBody,
  type RestRequest,
  type RouteDef,
  requireGuildPermissions,
} from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxGuild, SandboxRole } from '../sandboxState.ts';

const roleBody = z
  .object({
    name: z.string().max(100).optional(),
    permissions: z
      .union([z.string().regex(/^\d+$/), z.number().int().min(0)])
      .transform(String)
      .optional(),
    color: z.number().int().min(0).optional(),
    hoist: z.boolean().optional(),
    mentionable: z.boolean().optional(),
  })
  .loose();

/** 403 50013 when the role would grant what the bot itself lacks (Discord's rule for non-administrators). */
function requireGrantable(core: SandboxCore, guild: SandboxGuild, permissions: string | undefined): void {
  if (permissions === undefined) return;
  const own = basePermissions(guild, core.state.botUserId);
  if ((own & PermissionFlagsBits.Administrator) === 0n && (BigInt(permissions) & ~own) !== 0n)
    throw missingPermissions();
}

/** The role, editable only below the bot's highest role. */
function editableRole(core: SandboxCore, req: RestRequest): { guild: SandboxGuild; role: SandboxRole } {
  const guild = core.guild(param(req, 'guildId'));
  requireGuildPermissions(core, guild, 'ManageRoles');
  const role = guild.roles[param(req, 'roleId')];
  if (!role) throw unknown(RESTJSONErrorCodes.UnknownRole);
  if (role.managed || role.position >= highestRolePosition(guild, core.state.botUserId))
    throw missingPermissions();
  return { guild, role };
}

export const roleRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/guilds/:guildId/roles',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageRoles');
      const body = parseBody(roleBody, req.body);
      requireGrantable(core, guild, body.permissions);
      // New roles sit just above @everyone; the others move up one.
      for (const other of Object.values(guild.roles)) if (other.position >= 1) other.position++;
      const role: SandboxRole = {
        id: core.ids.next(),
        name: body.name ?? 'new role',
        permissions: body.permissions ?? guild.roles[guild.id]?.permissions ?? '0',
        position: 1,
        color: body.color ?? 0,
        hoist: body.hoist ?? false,
        managed: false,
        mentionable: body.mentionable ?? false,
      };
      guild.roles[role.id] = role;
      core.gateway.dispatch(
        GatewayDispatchEvents.GuildRoleCreate,
        { guild_id: guild.id, role: apiRole(role) },
        guild.id,
      );
      core.actions.record({
        kind: 'role.created',
        guildId: guild.id,
        reason: req.reason,
        data: { roleId: role.id, name: role.name, permissions: role.permissions },
      });
      return ok(apiRole(role));
    },
  },
  {
    method: 'PATCH',
    path: '/guilds/:guildId/roles/:roleId',
    handle(req, core) {
      const { guild, role } = editableRole(core, req);
      const body = parseBody(roleBody, req.body);
      requireGrantable(core, guild, body.permissions);
      if (body.name !== undefined) role.name = body.name;
      if (body.permissions !== undefined) role.permissions = body.permissions;
      if (body.color !== undefined) role.color = body.color;
      if (body.hoist !== undefined) role.hoist = body.hoist;
      if (body.mentionable !== undefined) role.mentionable = body.mentionable;
      core.gateway.dispatch(
        GatewayDispatchEvents.GuildRoleUpdate,
        { guild_id: guild.id, role: apiRole(role) },
        guild.id,
      );
      core.actions.record({
        kind: 'role.updated',
        guildId: guild.id,
        reason: req.reason,
        data: { roleId: role.id, name: role.name, permissions: role.permissions },
      });
      return ok(apiRole(role));
    },
  },
  {
    method: 'DELETE',
    path: '/guilds/:guildId/roles/:roleId',
    handle(req, core) {
      const { guild, role } = editableRole(core, req);
      delete guild.roles[role.id];
      for (const member of Object.values(guild.members))
        member.roles = member.roles.filter((r) => r !== role.id);
      for (const channel of Object.values(guild.channels)) {
        channel.permissionOverwrites = channel.permissionOverwrites.filter((o) => o.id !== role.id);
      }
      core.gateway.dispatch(
        GatewayDispatchEvents.GuildRoleDelete,
        { guild_id: guild.id, role_id: role.id },
        guild.id,
      );
      core.actions.record({
        kind: 'role.deleted',
        guildId: guild.id,
        reason: req.reason,
        data: { roleId: role.id, name: role.name },
      });
      return noContent;
    },
  },
];
