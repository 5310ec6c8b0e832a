import { PermissionFlagsBits } from 'discord-api-types/v10';
import { organicName } from './names.ts';
import { bits } from './permissions.ts';
import { Prng } from './prng.ts';
import type { SandboxGuild, SandboxRole, SandboxState, SandboxUser } from './sandboxState.ts';
import { snowflakeAt } from './snowflake.ts';

/** How one seeded guild differs from the default. */
export interface GuildSpec {
  /** Use this guild id (e.g. from a join trace); otherwise one is made from the seed. */
  readonly id?: string;
  readonly name?: string;
  /** Permissions the bot's role lacks, e.g. `['ManageGuild']` so it may not list invites. */
  readonly botLacks?: readonly (keyof typeof PermissionFlagsBits)[];
  /** Ordinary members besides the owner, admin and moderator (default 20). */
  readonly members?: number;
  readonly vanityCode?: string | null;
}

/** What the bot's role is granted in a default guild: everything moderation needs. */
export const BOT_PERMISSIONS = bits(
  'ViewChannel',
  'SendMessages',
  'EmbedLinks',
  'ReadMessageHistory',
  'ManageMessages',
  'ManageChannels',
  'ManageGuild',
  'ManageRoles',
  'KickMembers',
  'BanMembers',
  'ModerateMembers',
  'CreateInstantInvite',
  'ViewAuditLog',
  'MentionEveryone',
  'AttachFiles',
  'AddReactions',
  'UseExternalEmojis',
);
const EVERYONE_PERMISSIONS = bits(
  'ViewChannel',
  'SendMessages',
  'ReadMessageHistory',
  'CreateInstantInvite',
  'AddReactions',
  'EmbedLinks',
  'AttachFiles',
  'UseApplicationCommands',
  'ChangeNickname',
  'Connect',
  'Speak',
);
const MODERATOR_PERMISSIONS = bits('ManageMessages', 'KickMembers', 'ModerateMembers', 'ViewAuditLog');
export const CHANNEL_NAMES = ['general', 'chat', 'media', 'mod-log', 'alerts'] as const;
const DAY_MS = 86_400_000;
/** Seeded guilds and accounts date from before this time, so their ids never move with the clock. */
const SEED_BASE_MS = Date.UTC(2024, 0, 1);

function role(id: string, name: string, permissions: bigint, position: number, managed = false): SandboxRole {
  return {
    id,
    name,
    permissions: permissions.toString(),
    position,
    color: 0,
    hoist: false,
    managed,
    mentionable: false,
  };
}

/** Builds the sandbox's state: the bot, its application and seeded guilds, all from `seed`. */
export function seedState(seed: number, guilds: readonly GuildSpec[], token?: string): SandboxState {
  const rng = new Prng(seed);
  let low = 0;
  const id = (ms: number): string => snowflakeAt(ms, (low++ * 7919) & 0x3fffff);
  const botId = id(SEED_BASE_MS - 900 * DAY_MS);
  const state: SandboxState = {
    token: token ?? `${Buffer.from(botId).toString('base64url')}.${rng.hex(6)}.sandbox-${rng.hex(27)}`,
    application: { id: botId, name: 'Chat Guard', flags: 0 },
    botUserId: botId,
    users: {},
    guilds: {},
    globalCommands: [],
    interactions: {},
    dmChannels: {},
  };
  state.users[botId] = {
    id: botId,
    username: 'Chat Guard',
    globalName: null,
    avatar: rng.hex(32),
    bot: true,
  };
  // Consecutive timestamps put guild i on shard i % count, for any shard count.
  const guildBaseMs = SEED_BASE_MS - rng.int(200, 800) * DAY_MS;
  guilds.forEach((spec, index) => {
    const guildId = spec.id ?? snowflakeAt(guildBaseMs + index, 0);
    addSeededGuild(state, guildId, spec, rng.fork(`guild-${index}`), id);
  });
  return state;
}

/** Adds one guild with roles, channels, an owner, an admin, a moderator, members and the bot. */
export function addSeededGuild(
  state: SandboxState,
  guildId: string,
  spec: GuildSpec,
  rng: Prng,
  makeId: (ms: number) => string,
): SandboxGuild {
  const createdMs = Number((BigInt(guildId) >> 22n) + 1420070400000n);
  const userAt = (ageDays: number): SandboxUser => {
    const { username, globalName } = organicName(rng);
    const user: SandboxUser = {
      id: makeId(createdMs - ageDays * DAY_MS),
      username,
      globalName,
      avatar: rng.chance(0.85) ? rng.hex(32) : null,
      bot: false,
    };
    state.users[user.id] = user;
    return user;
  };
  const owner = userAt(rng.int(400, 2500));
  const admin = userAt(rng.int(300, 2000));
  const moderator = userAt(rng.int(200, 1500));
  const roleIds = { bot: makeId(createdMs + 1), admin: makeId(createdMs + 2), mod: makeId(createdMs + 3) };
  let botPerms = BOT_PERMISSIONS;
  for (const flag of spec.botLacks ?? []) botPerms &= ~PermissionFlagsBits[flag];
  const guild: SandboxGuild = {
    id: guildId,
    name: spec.name ?? `Sandbox Guild ${guildId.slice(-4)}`,
    ownerId: owner.id,
    verificationLevel: 1,
    vanityCode: spec.vanityCode ?? null,
    vanityUses: 0,
    incidentsData: null,
    roles: {
      [guildId]: role(guildId, '@everyone', EVERYONE_PERMISSIONS, 0),
      [roleIds.mod]: role(roleIds.mod, 'Moderator', MODERATOR_PERMISSIONS, 1),
      [roleIds.bot]: role(roleIds.bot, 'Chat Guard', botPerms, 2, true),
      [roleIds.admin]: role(roleIds.admin, 'Admin', PermissionFlagsBits.Administrator, 3),
    },
    channels: {},
    members: {},
    messages: {},
    invites: {},
    bans: {},
    commands: [],
  };
  CHANNEL_NAMES.forEach((name, position) => {
    const channelId = makeId(createdMs + 10 + position);
    const staffOnly = name === 'mod-log' || name === 'alerts';
    guild.channels[channelId] = {
      id: channelId,
      guildId,
      name,
      topic: null,
      position,
      rateLimitPerUser: 0,
      // Staff channels hide from @everyone; the bot and moderators see them through role overwrites.
      permissionOverwrites: staffOnly
        ? [
            { id: guildId, type: 0, allow: '0', deny: PermissionFlagsBits.ViewChannel.toString() },
            { id: roleIds.bot, type: 0, allow: PermissionFlagsBits.ViewChannel.toString(), deny: '0' },
            { id: roleIds.mod, type: 0, allow: PermissionFlagsBits.ViewChannel.toString(), deny: '0' },
          ]
        : [],
      lastMessageId: null,
    };
  });
  const joined = (userId: string, roles: string[]): void => {
    guild.members[userId] = {
      userId,
      roles,
      nick: null,
      joinedAt: createdMs + rng.int(1, 300) * DAY_MS,
      communicationDisabledUntil: null,
      inviteCode: null,
    };
  };
  joined(owner.id, []);
  joined(admin.id, [roleIds.admin]);
  joined(moderator.id, [roleIds.mod]);
  joined(state.botUserId, [roleIds.bot]);
  for (let i = 0; i < (spec.members ?? 20); i++) joined(userAt(rng.int(20, 2500)).id, []);
  state.guilds[guildId] = guild;
  return guild;
}
