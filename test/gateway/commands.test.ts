import { consume } from '@chat-guard/bus';
import { defaultGuildConfig, type EventPayload, topology } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { describe, expect, it } from 'vitest';
import { commandBodies } from '../../services/gateway/src/commands/definitions.ts';
import type { CommandRequest } from '../../services/gateway/src/commands/runCommand.ts';
import { waitFor } from '../support/bus.ts';
import { cache, database, factory, useCommandDesk } from '../support/commandDesk.ts';

const GUILD = '1100000000000000001';
const ADMIN_PERMS = 1n << 3n;
const MOD_PERMS = 1n << 40n;
const { run } = useCommandDesk({
  guildId: GUILD,
  userId: '1300000000000000007',
  memberPermissions: ADMIN_PERMS,
  now: 1_732_000_000_000,
  noDiscordBecause: 'these commands do not call Discord',
});

describe('slash commands (Appendix A)', () => {
  it('registers every command of the paper, and /campaign, with its permission', () => {
    const bodies = commandBodies();
    expect(bodies.map((b) => b.name).sort()).toEqual(
      [
        'addword',
        'badwordblock',
        'characterlimit',
        'commands',
        'invite',
        'inviteblock',
        'linkblock',
        'logchannel',
        'massmentionblock',
        'muteduration',
        'privacy',
        'removeword',
        'settings',
        'spamblock',
        'unmute',
        'whitelistadd',
        'whitelistremove',
        'campaign',
        'lockdown',
        'gate',
        'warn',
        'timeout',
        'kick',
        'ban',
        'unban',
        'purge',
        'note',
        'case',
        'cases',
        'modsettings',
        'invites',
        'leaderboard',
        'inviter',
        'bonus-invites',
        'joinmessage',
      ].sort(),
    );
    const perms = Object.fromEntries(bodies.map((b) => [b.name, b.default_member_permissions]));
    expect(perms).toMatchObject({
      settings: '8',
      addword: '8',
      unmute: String(MOD_PERMS),
      commands: null,
      privacy: null,
      lockdown: '8',
      warn: String(MOD_PERMS),
      kick: String(1n << 1n),
      ban: String(1n << 2n),
      purge: String(1n << 13n),
      'bonus-invites': String(1n << 5n),
      invites: null,
      modsettings: '8',
    });
  });

  it('switches a guard off, stores, announces and audits the change', async () => {
    const audits: EventPayload<'audit.recorded'>[] = [];
    const logWriter = await factory.open('log-writer');
    const spec = topology.consumers.find((c) => c.durable === 'log-writer');
    if (!spec) throw new Error('no log-writer consumer');
    const consumption = await consume(logWriter, spec, {
      'audit.recorded': async (e) => {
        audits.push(e);
      },
    });
    expect(await run('inviteblock', { enabled: false })).toBe('Invite filtering is now **off**.');
    await waitFor(() => cache.get(GUILD).inviteGuard === false, 'the live configuration');
    expect((await loadGuildConfig(database.db, GUILD)).config.inviteGuard).toBe(false);
    await waitFor(() => audits.length === 1, 'the audit event');
    await consumption.stop();
    expect(audits[0]).toMatchObject({
      action: 'config.update',
      actorId: '1300000000000000007',
      reason: '/inviteblock',
      details: { changes: 'inviteGuard: true → false', revision: 1 },
    });
    expect(await run('inviteblock')).toBe('Invite filtering is now **on**.');
  });

  it.each<[string, string, CommandRequest['options'], Partial<CommandRequest>, RegExp]>([
    [
      'a member without Administrator',
      'spamblock',
      {},
      { memberPermissions: MOD_PERMS },
      /administrators only/,
    ],
    [
      'a member without Timeout Members',
      'unmute',
      { member: '1300000000000000042' },
      { memberPermissions: 0n },
      /moderators/,
    ],
    ['minutes out of range', 'muteduration', { minutes: 50_000 }, {}, /1 to 40320/],
    ['minutes that are not a number', 'muteduration', { minutes: 'ten' }, {}, /must be a number/],
    ['a word too long', 'addword', { word: 'x'.repeat(101) }, {}, /1 to 100 characters/],
    [
      'a word of zero-width characters only',
      'addword',
      { word: '\u200b\u200d\u2060' },
      {},
      /no visible letters/,
    ],
    ['removing a word not on the list', 'removeword', { word: 'zebra' }, {}, /not on the list/],
    ['a channel that is not an id', 'logchannel', { channel: '#general' }, {}, /must be a Discord id/],
    [
      'a whitelist without its kind',
      'whitelistadd',
      { member: '1300000000000000042' },
      {},
      /member.*role.*channel/,
    ],
  ])(
    'refuses %s, saying what was wrong, and changes nothing',
    async (_name, command, options, extra, pattern) => {
      expect(await run(command, options, extra)).toMatch(pattern);
      expect((await loadGuildConfig(database.db, GUILD)).config).toEqual(defaultGuildConfig());
    },
  );

  it('adds and removes banned words and exemptions, and shows the settings', async () => {
    expect(await run('addword', { word: '  Grapefruit ' })).toMatch(/"grapefruit" is now banned/);
    expect(await run('addword', { word: 'grapefruit' })).toMatch(/already banned/);
    expect(await run('whitelistadd', { role: '1100000000000000500' }, { subcommand: 'role' })).toMatch(
      /now exempt/,
    );
    expect(await run('muteduration', { minutes: 15 })).toBe('Timeouts now last 15 minutes.');
    await waitFor(() => cache.get(GUILD).muteDurationMinute === 15, 'the live configuration');
    const settings = await run('settings');
    expect(settings).toContain('Timeout: 15 min');
    expect(settings).toContain('<@&1100000000000000500>');
    expect(await run('removeword', { word: 'grapefruit' })).toMatch(/no longer banned/);
    expect((await loadGuildConfig(database.db, GUILD)).config).toMatchObject({
      filteredWords: [],
      whiteListRoles: ['1100000000000000500'],
      muteDurationMinute: 15,
    });
  });

  it('asks the enforcer to lift a timeout for a moderator', async () => {
    const reply = await run(
      'unmute',
      { member: '1300000000000000042', reason: 'appeal accepted' },
      { memberPermissions: MOD_PERMS },
    );
    expect(reply).toBe('Lifting the timeout of <@1300000000000000042>.');
    const bus = await factory.open('probe');
    const { state } = await bus.jsm.streams.info(bus.ns.stream('VERDICTS'));
    expect(state.messages).toBe(1);
  });
});
