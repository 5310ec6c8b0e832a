import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { DiscordHttpError, invalidFormBody, missingPermissions, unknown } from '../errors.ts';
import { apiMember, apiUser, userOf } from '../payloads.ts';
import { highestRolePosition, mayTimeOut, outranks } from '../permissions.ts';
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
import type { SandboxGuild } from '../sandboxState.ts';

const MAX_TIMEOUT_MS = 28 * 86_400_000;

const memberPatch = z
  .object({
    communication_disabled_until: z.string().nullable().optional(),
    roles: z.array(z.string()).optional(),
    nick: z.string().max(32).nullable().optional(),
  })
  .loose();

const banBody = z
  .object({
    delete_message_seconds: z.number().int().min(0).max(604800).optional(),
    delete_message_days: z.number().int().min(0).max(7).optional(),
  })
  .loose();

/** The user a member route names; `@me` is the bot. */
function targetId(core: SandboxCore, req: RestRequest): string {
  const id = param(req, 'userId');
  return id === '@me' ? core.state.botUserId : id;
}

const bulkBanBody = z.object({
  user_ids: z.array(z.string()).min(1).max(200),
  delete_message_seconds: z.number().int().min(0).max(604800).optional(),
});

/** Bans one user for a ban route: deletes their recent messages and records the action. */
function banUser(
  core: SandboxCore,
  guild: SandboxGuild,
  userId: string,
  seconds: number,
  reason: string | null,
): void {
  const since = core.now() - seconds * 1000;
  const doomed = Object.values(guild.messages).filter((m) => m.authorId === userId && m.createdAt >= since);
  for (const message of doomed) core.deleteMessage(guild, message);
  core.ban(guild, userId, reason);
  core.actions.record({
    kind: 'member.banned',
    guildId: guild.id,
    userId,
    messageIds: doomed.map((m) => m.id),
    reason,
    data: { deleteMessageSeconds: seconds },
  });
}

/** 403 50013 unless the bot outranks the target (owner, administrators and higher roles are protected). */
function requireOutranks(core: SandboxCore, guild: SandboxGuild, userId: string): void {
  if (guild.members[userId] && !outranks(guild, core.state.botUserId, userId)) throw missingPermissions();
}

/** 403 50013 unless the bot may assign the role (below its highest role, not managed). */
function requireAssignable(core: SandboxCore, guild: SandboxGuild, roleId: string): void {
  const role = guild.roles[roleId];
  if (!role) throw unknown(RESTJSONErrorCodes.UnknownRole);
  if (role.managed || role.position >= highestRolePosition(guild, core.state.botUserId))
    throw missingPermissions();
}

export const memberRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/guilds/:guildId/members',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 1) || 1));
      const after = BigInt(req.query.get('after') ?? '0');
      const members = Object.values(guild.members)
        .filter((m) => BigInt(m.userId) > after)
        .sort((a, b) => (BigInt(a.userId) > BigInt(b.userId) ? 1 : -1))
        .slice(0, limit);
      return ok(members.map((m) => apiMember(core.state, m)));
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guildId/members/:userId',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      return ok(apiMember(core.state, core.member(guild, targetId(core, req))));
    },
  },
  {
    method: 'PATCH',
    path: '/guilds/:guildId/members/:userId',
    bucket: { limit: 10, windowMs: 10_000 },
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const member = core.member(guild, targetId(core, req));
      const body = parseBody(memberPatch, req.body);
      const until = body.communication_disabled_until;
      if (until !== undefined) {
        requireGuildPermissions(core, guild, 'ModerateMembers');
        if (!mayTimeOut(guild, core.state.botUserId, member.userId)) throw missingPermissions();
        const untilMs = until === null ? null : Date.parse(until);
        if (untilMs !== null && (Number.isNaN(untilMs) || untilMs - core.now() > MAX_TIMEOUT_MS)) {
          throw invalidFormBody(
            'communication_disabled_until',
            'BASE_TYPE_BAD_TIMESTAMP',
            'Timeout must be a date at most 28 days in the future.',
          );
        }
        const active = untilMs !== null && untilMs > core.now();
        member.communicationDisabledUntil =
          active && untilMs !== null ? new Date(untilMs).toISOString() : null;
        core.actions.record({
          kind: active ? 'member.timedOut' : 'member.timeoutRemoved',
          guildId: guild.id,
          userId: member.userId,
          reason: req.reason,
          data: { until: member.communicationDisabledUntil },
        });
      }
      if (body.roles !== undefined) {
        requireGuildPermissions(core, guild, 'ManageRoles');
        const changed = new Set(
          [...body.roles, ...member.roles].filter(
            (r) => body.roles?.includes(r) !== member.roles.includes(r),
          ),
        );
        for (const roleId of changed) requireAssignable(core, guild, roleId);
        member.roles = [...new Set(body.roles)];
      }
      if (body.nick !== undefined) {
        requireGuildPermissions(
          core,
          guild,
          member.userId === core.state.botUserId ? 'ChangeNickname' : 'ManageNicknames',
        );
        member.nick = body.nick;
      }
      if (body.roles !== undefined || body.nick !== undefined) {
        core.actions.record({
          kind: 'member.updated',
          guildId: guild.id,
          userId: member.userId,
          reason: req.reason,
          data: { roles: member.roles, nick: member.nick },
        });
      }
      core.memberUpdated(guild, member);
      return ok(apiMember(core.state, member));
    },
  },
  {
    method: 'DELETE',
    path: '/guilds/:guildId/members/:userId',
    bucket: { limit: 5, windowMs: 1000 },
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const member = core.member(guild, param(req, 'userId'));
      requireGuildPermissions(core, guild, 'KickMembers');
      requireOutranks(core, guild, member.userId);
      core.removeMember(guild, member.userId);
      core.actions.record({
        kind: 'member.kicked',
        guildId: guild.id,
        userId: member.userId,
        reason: req.reason,
        data: {},
      });
      return noContent;
    },
  },
  ...(['PUT', 'DELETE'] as const).map(
    (method): RouteDef => ({
      method,
      path: '/guilds/:guildId/members/:userId/roles/:roleId',
      handle(req, core) {
        const guild = core.guild(param(req, 'guildId'));
        const member = core.member(guild, param(req, 'userId'));
        const roleId = param(req, 'roleId');
        requireGuildPermissions(core, guild, 'ManageRoles');
        requireAssignable(core, guild, roleId);
        member.roles =
          method === 'PUT'
            ? [...new Set([...member.roles, roleId])]
            : member.roles.filter((r) => r !== roleId);
        core.memberUpdated(guild, member);
        core.actions.record({
          kind: method === 'PUT' ? 'member.roleAdded' : 'member.roleRemoved',
          guildId: guild.id,
          userId: member.userId,
          reason: req.reason,
          data: { roleId },
        });
        return noContent;
      },
    }),
  ),
  {
    method: 'GET',
    path: '/guilds/:guildId/bans',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'BanMembers');
      return ok(
        Object.values(guild.bans).map((b) => ({
          reason: b.reason,
          user: apiUser(userOf(core.state, b.userId)),
        })),
      );
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guildId/bans/:userId',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'BanMembers');
      const ban = guild.bans[param(req, 'userId')];
      if (!ban) throw unknown(RESTJSONErrorCodes.UnknownBan);
      return ok({ reason: ban.reason, user: apiUser(userOf(core.state, ban.userId)) });
    },
  },
  {
    method: 'PUT',
    path: '/guilds/:guildId/bans/:userId',
    bucket: { limit: 5, windowMs: 1000 },
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const userId = param(req, 'userId');
      if (!core.state.users[userId]) throw unknown(RESTJSONErrorCodes.UnknownUser);
      requireGuildPermissions(core, guild, 'BanMembers');
      requireOutranks(core, guild, userId);
      const body = parseBody(banBody, req.body);
      const seconds = body.delete_message_seconds ?? (body.delete_message_days ?? 0) * 86400;
      banUser(core, guild, userId, seconds, req.reason);
      return noContent;
    },
  },
  {
    method: 'DELETE',
    path: '/guilds/:guildId/bans/:userId',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const userId = param(req, 'userId');
      requireGuildPermissions(core, guild, 'BanMembers');
      if (!guild.bans[userId]) throw unknown(RESTJSONErrorCodes.UnknownBan);
      core.unban(guild, userId);
      core.actions.record({
        kind: 'member.unbanned',
        guildId: guild.id,
        userId,
        reason: req.reason,
        data: {},
      });
      return noContent;
    },
  },
  {
    method: 'POST',
    path: '/guilds/:guildId/bulk-ban',
    bucket: { limit: 1, windowMs: 1000 },
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'BanMembers', 'ManageGuild');
      const body = parseBody(bulkBanBody, req.body);
      const banned: string[] = [];
      const failed: string[] = [];
      for (const userId of new Set(body.user_ids)) {
        const protectedMember = guild.members[userId] && !outranks(guild, core.state.botUserId, userId);
        if (!core.state.users[userId] || guild.bans[userId] || protectedMember) failed.push(userId);
        else {
          banUser(core, guild, userId, body.delete_message_seconds ?? 0, req.reason);
          banned.push(userId);
        }
      }
      if (banned.length === 0)
        throw new DiscordHttpError(400, RESTJSONErrorCodes.FailedToBanUsers, 'Failed to ban users');
      return ok({ banned_users: banned, failed_users: failed });
    },
  },
];
