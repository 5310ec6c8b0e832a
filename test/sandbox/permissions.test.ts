import { channelPermissions, outranks, type SandboxChannel, type SandboxGuild } from '@chat-guard/sandbox';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

const GUILD = '100';
const role = (id: string, permissions: bigint, position: number) => ({
  id,
  name: id,
  permissions: permissions.toString(),
  position,
  color: 0,
  hoist: false,
  managed: false,
  mentionable: false,
});
const member = (userId: string, roles: string[]) => ({
  userId,
  roles,
  nick: null,
  joinedAt: 0,
  communicationDisabledUntil: null,
  inviteCode: null,
});

function guild(): SandboxGuild {
  return {
    id: GUILD,
    name: 'g',
    ownerId: 'owner',
    verificationLevel: 0,
    vanityCode: null,
    vanityUses: 0,
    incidentsData: null,
    roles: {
      [GUILD]: role(GUILD, P.ViewChannel | P.SendMessages, 0),
      helper: role('helper', P.ManageMessages, 1),
      muted: role('muted', 0n, 1),
      bot: role('bot', P.KickMembers | P.ModerateMembers, 2),
      admin: role('admin', P.Administrator, 3),
    },
    channels: {},
    members: {
      owner: member('owner', []),
      plain: member('plain', []),
      helper: member('helper', ['helper']),
      both: member('both', ['helper', 'muted']),
      bot: member('bot', ['bot']),
      admin: member('admin', ['admin']),
      peer: member('peer', ['bot']),
    },
    messages: {},
    invites: {},
    bans: {},
    commands: [],
  };
}

function channel(overwrites: SandboxChannel['permissionOverwrites']): SandboxChannel {
  return {
    id: 'c',
    guildId: GUILD,
    name: 'c',
    topic: null,
    position: 0,
    rateLimitPerUser: 0,
    permissionOverwrites: overwrites,
    lastMessageId: null,
  };
}

const has = (perms: bigint, bit: bigint): boolean => (perms & bit) === bit;
const o = (id: string, type: 0 | 1, allow: bigint, deny: bigint) => ({
  id,
  type,
  allow: allow.toString(),
  deny: deny.toString(),
});

describe('Discord permission computation', () => {
  const cases: [string, SandboxChannel['permissionOverwrites'], string, bigint, boolean][] = [
    ['@everyone permissions apply without overwrites', [], 'plain', P.SendMessages, true],
    [
      'an @everyone deny removes a base permission',
      [o(GUILD, 0, 0n, P.SendMessages)],
      'plain',
      P.SendMessages,
      false,
    ],
    [
      'a role allow beats the @everyone deny',
      [o(GUILD, 0, 0n, P.SendMessages), o('helper', 0, P.SendMessages, 0n)],
      'helper',
      P.SendMessages,
      true,
    ],
    [
      'role allows win over role denies when combined',
      [o('helper', 0, P.SendMessages, 0n), o('muted', 0, 0n, P.SendMessages)],
      'both',
      P.SendMessages,
      true,
    ],
    [
      'a member deny beats a role allow',
      [o('helper', 0, P.SendMessages, 0n), o('helper', 1, 0n, P.SendMessages)],
      'helper',
      P.SendMessages,
      false,
    ],
    [
      'without View Channel nothing else is granted',
      [o(GUILD, 0, 0n, P.ViewChannel)],
      'helper',
      P.ManageMessages,
      false,
    ],
    [
      'administrators ignore overwrites',
      [o(GUILD, 0, 0n, P.ViewChannel | P.SendMessages)],
      'admin',
      P.SendMessages,
      true,
    ],
    ['the owner has every permission', [o('owner', 1, 0n, P.SendMessages)], 'owner', P.BanMembers, true],
  ];
  it.each(cases)('%s', (_name, overwrites, userId, bit, expected) => {
    expect(has(channelPermissions(guild(), channel(overwrites), userId), bit)).toBe(expected);
  });

  it('the bot outranks plain members but not the owner, administrators or an equal role', () => {
    const g = guild();
    expect(outranks(g, 'bot', 'plain')).toBe(true);
    expect(outranks(g, 'bot', 'helper')).toBe(true);
    expect(outranks(g, 'bot', 'owner')).toBe(false);
    expect(outranks(g, 'bot', 'admin')).toBe(false);
    expect(outranks(g, 'bot', 'peer')).toBe(false);
  });
});
