import { PermissionFlagsBits, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { missingPermissions, unknown } from '../errors.ts';
import { apiInvite } from '../payloads.ts';
import { basePermissions, channelPermissions } from '../permissions.ts';
import {
  ok,
  param,
  parseBody,
  type RouteDef,
  requireChannelPermissions,
  requireGuildPermissions,
} from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxGuild, SandboxInvite } from '../sandboxState.ts';

const inviteBody = z
  .object({
    max_age: z.number().int().min(0).max(604800).optional(),
    max_uses: z.number().int().min(0).max(100).optional(),
    temporary: z.boolean().optional(),
    unique: z.boolean().optional(),
  })
  .loose();

function findInvite(core: SandboxCore, code: string): { guild: SandboxGuild; invite: SandboxInvite } {
  for (const guild of Object.values(core.state.guilds)) {
    const invite = guild.invites[code];
    if (invite) return { guild, invite };
  }
  throw unknown(RESTJSONErrorCodes.UnknownInvite);
}

export const inviteRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/guilds/:guildId/invites',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageGuild');
      return ok(Object.values(guild.invites).map((i) => apiInvite(core.state, i, guild)));
    },
  },
  {
    method: 'GET',
    path: '/channels/:channelId/invites',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ManageChannels');
      const invites = Object.values(guild.invites).filter((i) => i.channelId === channel.id);
      return ok(invites.map((i) => apiInvite(core.state, i, guild)));
    },
  },
  {
    method: 'POST',
    path: '/channels/:channelId/invites',
    bucket: { limit: 5, windowMs: 5000 },
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'CreateInstantInvite');
      const body = parseBody(inviteBody, req.body);
      const invite = core.createInvite(guild, channel.id, core.state.botUserId, {
        ...(body.max_age !== undefined ? { maxAge: body.max_age } : {}),
        ...(body.max_uses !== undefined ? { maxUses: body.max_uses } : {}),
        ...(body.temporary !== undefined ? { temporary: body.temporary } : {}),
      });
      core.actions.record({
        kind: 'invite.created',
        guildId: guild.id,
        channelId: channel.id,
        reason: req.reason,
        data: { code: invite.code, maxAge: invite.maxAge, maxUses: invite.maxUses },
      });
      return ok(apiInvite(core.state, invite, guild));
    },
  },
  {
    method: 'GET',
    path: '/invites/:code',
    handle(req, core) {
      const { guild, invite } = findInvite(core, param(req, 'code'));
      const {
        uses: _u,
        max_uses: _m,
        max_age: _a,
        temporary: _t,
        created_at: _c,
        ...publicInvite
      } = apiInvite(core.state, invite, guild);
      return ok(
        req.query.get('with_counts') === 'true'
          ? {
              ...publicInvite,
              approximate_member_count: Object.keys(guild.members).length,
              approximate_presence_count: 0,
            }
          : publicInvite,
      );
    },
  },
  {
    method: 'DELETE',
    path: '/invites/:code',
    handle(req, core) {
      const { guild, invite } = findInvite(core, param(req, 'code'));
      const channel = guild.channels[invite.channelId];
      const bot = core.state.botUserId;
      const viaChannel =
        channel && (channelPermissions(guild, channel, bot) & PermissionFlagsBits.ManageChannels) !== 0n;
      const viaGuild = (basePermissions(guild, bot) & PermissionFlagsBits.ManageGuild) !== 0n;
      if (!viaChannel && !viaGuild) throw missingPermissions();
      const payload = apiInvite(core.state, invite, guild);
      core.deleteInvite(guild, invite);
      core.actions.record({
        kind: 'invite.deleted',
        guildId: guild.id,
        channelId: invite.channelId,
        reason: req.reason,
        data: { code: invite.code, uses: invite.uses },
      });
      return ok(payload);
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guildId/vanity-url',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageGuild');
      return ok({ code: guild.vanityCode, uses: guild.vanityUses });
    },
  },
];
