import { GatewayDispatchEvents } from 'discord-api-types/v10';
import { z } from 'zod';
import { invalidFormBody } from '../errors.ts';
import { apiChannel, apiGuild, apiRole } from '../payloads.ts';
import { channelPermissions } from '../permissions.ts';
import {
  noContent,
  ok,
  param,
  parseBody,
  type RouteDef,
  requireChannelPermissions,
  requireGuildPermissions,
} from '../restRouter.ts';
import type { IncidentsData } from '../sandboxState.ts';

const DAY_MS = 86_400_000;
const bitString = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).transform(String);

const guildPatch = z
  .object({
    verification_level: z.number().int().min(0).max(4).optional(),
    name: z.string().min(2).max(100).optional(),
  })
  .loose();
const incidentBody = z
  .object({
    invites_disabled_until: z.string().nullable().optional(),
    dms_disabled_until: z.string().nullable().optional(),
  })
  .loose();
const overwriteList = z.array(
  z.object({
    id: z.string(),
    type: z.union([z.literal(0), z.literal(1)]),
    allow: bitString.optional(),
    deny: bitString.optional(),
  }),
);
const channelPatch = z
  .object({
    name: z.string().min(1).max(100).optional(),
    topic: z.string().max(1024).nullable().optional(),
    rate_limit_per_user: z.number().int().min(0).max(21600).optional(),
    permission_overwrites: overwriteList.optional(),
  })
  .loose();
// Only text channels are kept by the sandbox, so only type 0 is accepted.
const channelCreate = z
  .object({
    name: z.string().min(1).max(100),
    type: z.literal(0).optional(),
    topic: z.string().max(1024).nullable().optional(),
    rate_limit_per_user: z.number().int().min(0).max(21600).optional(),
    position: z.number().int().min(0).optional(),
    permission_overwrites: overwriteList.max(100).optional(),
  })
  .loose();
const overwriteBody = z
  .object({
    type: z.union([z.literal(0), z.literal(1)]),
    allow: bitString.optional(),
    deny: bitString.optional(),
  })
  .loose();

export const guildRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/guilds/:guildId',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const counts =
        req.query.get('with_counts') === 'true'
          ? { approximate_member_count: Object.keys(guild.members).length, approximate_presence_count: 0 }
          : {};
      return ok({ ...apiGuild(guild), ...counts });
    },
  },
  {
    method: 'PATCH',
    path: '/guilds/:guildId',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageGuild');
      const body = parseBody(guildPatch, req.body);
      const before = guild.verificationLevel;
      if (body.verification_level !== undefined) guild.verificationLevel = body.verification_level;
      if (body.name !== undefined) guild.name = body.name;
      core.guildUpdated(guild);
      const verification = body.verification_level !== undefined && body.verification_level !== before;
      core.actions.record({
        kind: verification ? 'guild.verificationLevel' : 'guild.updated',
        guildId: guild.id,
        reason: req.reason,
        data: verification ? { from: before, to: guild.verificationLevel } : { ...body },
      });
      return ok(apiGuild(guild));
    },
  },
  {
    method: 'PUT',
    path: '/guilds/:guildId/incident-actions',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageGuild');
      const body = parseBody(incidentBody, req.body);
      const next: IncidentsData = { invites_disabled_until: null, dms_disabled_until: null };
      for (const field of ['invites_disabled_until', 'dms_disabled_until'] as const) {
        const value = body[field];
        if (value === undefined || value === null) continue;
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) throw invalidFormBody(field, 'DATE_TYPE_PARSE', 'Could not parse the date.');
        if (ms - core.now() > DAY_MS)
          throw invalidFormBody(
            field,
            'BASE_TYPE_BAD_TIMESTAMP',
            'Date must be at most 24 hours in the future.',
          );
        next[field] = new Date(ms).toISOString();
      }
      guild.incidentsData = next.invites_disabled_until || next.dms_disabled_until ? next : null;
      core.guildUpdated(guild);
      core.actions.record({
        kind: 'guild.incidentActions',
        guildId: guild.id,
        reason: req.reason,
        data: { ...next },
      });
      return ok(next);
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guildId/channels',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      const visible = Object.values(guild.channels).filter(
        (c) => channelPermissions(guild, c, core.state.botUserId) !== 0n,
      );
      return ok(visible.map(apiChannel));
    },
  },
  {
    // Discord: Manage Channels, and Manage Roles to set overwrites; 201 with the channel, CHANNEL_CREATE.
    method: 'POST',
    path: '/guilds/:guildId/channels',
    handle(req, core) {
      const guild = core.guild(param(req, 'guildId'));
      requireGuildPermissions(core, guild, 'ManageChannels');
      const body = parseBody(channelCreate, req.body);
      if (body.permission_overwrites?.length) requireGuildPermissions(core, guild, 'ManageRoles');
      const channel = {
        id: core.ids.next(),
        guildId: guild.id,
        name: body.name.toLowerCase().replace(/\s+/g, '-'),
        topic: body.topic ?? null,
        position: body.position ?? Object.keys(guild.channels).length,
        rateLimitPerUser: body.rate_limit_per_user ?? 0,
        permissionOverwrites: (body.permission_overwrites ?? []).map((o) => ({
          id: o.id,
          type: o.type,
          allow: o.allow ?? '0',
          deny: o.deny ?? '0',
        })),
        lastMessageId: null,
      };
      guild.channels[channel.id] = channel;
      core.gateway.dispatch(GatewayDispatchEvents.ChannelCreate, apiChannel(channel), guild.id);
      core.actions.record({
        kind: 'channel.created',
        guildId: guild.id,
        channelId: channel.id,
        reason: req.reason,
        data: { name: channel.name, overwrites: channel.permissionOverwrites },
      });
      return { status: 201, body: apiChannel(channel) };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guildId/roles',
    handle(req, core) {
      return ok(Object.values(core.guild(param(req, 'guildId')).roles).map(apiRole));
    },
  },
  {
    method: 'GET',
    path: '/channels/:channelId',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel');
      return ok(apiChannel(channel));
    },
  },
  {
    method: 'PATCH',
    path: '/channels/:channelId',
    bucket: { limit: 10, windowMs: 10_000 },
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ManageChannels');
      const body = parseBody(channelPatch, req.body);
      if (body.permission_overwrites !== undefined)
        requireChannelPermissions(core, guild, channel, 'ManageRoles');
      const before = channel.rateLimitPerUser;
      if (body.name !== undefined) channel.name = body.name;
      if (body.topic !== undefined) channel.topic = body.topic;
      if (body.rate_limit_per_user !== undefined) channel.rateLimitPerUser = body.rate_limit_per_user;
      if (body.permission_overwrites !== undefined) {
        channel.permissionOverwrites = body.permission_overwrites.map((o) => ({
          id: o.id,
          type: o.type,
          allow: o.allow ?? '0',
          deny: o.deny ?? '0',
        }));
      }
      core.channelUpdated(channel);
      const slowmode = body.rate_limit_per_user !== undefined && body.rate_limit_per_user !== before;
      core.actions.record({
        kind: slowmode ? 'channel.slowmode' : 'channel.updated',
        guildId: guild.id,
        channelId: channel.id,
        reason: req.reason,
        data: slowmode ? { from: before, to: channel.rateLimitPerUser } : { ...body },
      });
      return ok(apiChannel(channel));
    },
  },
  {
    method: 'PUT',
    path: '/channels/:channelId/permissions/:overwriteId',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ManageRoles');
      const body = parseBody(overwriteBody, req.body);
      const id = param(req, 'overwriteId');
      const overwrite = { id, type: body.type, allow: body.allow ?? '0', deny: body.deny ?? '0' };
      channel.permissionOverwrites = [...channel.permissionOverwrites.filter((o) => o.id !== id), overwrite];
      core.channelUpdated(channel);
      core.actions.record({
        kind: 'channel.permissions',
        guildId: guild.id,
        channelId: channel.id,
        reason: req.reason,
        data: { overwrite },
      });
      return noContent;
    },
  },
  {
    method: 'DELETE',
    path: '/channels/:channelId/permissions/:overwriteId',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ManageRoles');
      const id = param(req, 'overwriteId');
      channel.permissionOverwrites = channel.permissionOverwrites.filter((o) => o.id !== id);
      core.channelUpdated(channel);
      core.actions.record({
        kind: 'channel.permissions',
        guildId: guild.id,
        channelId: channel.id,
        reason: req.reason,
        data: { removed: id },
      });
      return noContent;
    },
  },
];
