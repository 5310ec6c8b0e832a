import type { BotAction } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type Spawned, spawnTs } from '../support/processes.ts';
import { type System, startSystem } from '../support/system.ts';

let system: System;
let guildId: string;
let general: string;
let modLog: string;
let members: readonly string[];
let adminId: string;
let moderatorRole: string;
let moderatorId: string;
/** The two content-filter replicas and the enforcer, to read their /metrics. */
let filters: Spawned[] = [];

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 60 }] } });
  [, ...filters] = await Promise.all([
    system.start('gateway'),
    system.start('content-filter'),
    system.start('content-filter'),
    system.start('enforcer'),
    system.start('log-writer'),
    system.start('invite-tracker'),
  ]);
  const [id] = system.sandbox.guilds;
  if (!id) throw new Error('no guild');
  guildId = id;
  const guild = system.sandbox.inspect.guild(guildId);
  general = guild.channels.general ?? '';
  modLog = guild.channels['mod-log'] ?? '';
  members = guild.memberIds;
  adminId = guild.adminId ?? '';
  moderatorId = guild.moderatorId ?? '';
  moderatorRole = guild.roles.moderator ?? '';
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
}, 120_000);
afterAll(() => system?.stop());

let nextMember = 0;
function member(): string {
  const id = members[nextMember++];
  if (!id) throw new Error('out of members');
  return id;
}

/** An admin runs a slash command; resolves with the reply the gateway edits in. */
function command(name: string, options: Record<string, string | number | boolean>, subcommand?: string) {
  return system.command(guildId, name, options, subcommand);
}

function post(userId: string, content: string) {
  return system.sandbox.users.postMessage({ channelId: general, userId, content });
}

/** The bot's deletions, of one message or of several in bulk. */
function deletions(): BotAction[] {
  return [
    ...system.sandbox.inspect.actions({ kind: 'message.deleted', guildId }),
    ...system.sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId }),
  ];
}

async function deleted(messageId: string, timeoutMs = 20_000) {
  await waitFor(
    () => deletions().some((a) => a.messageIds?.includes(messageId)),
    `deletion of ${messageId}`,
    timeoutMs,
  );
}

describe('the moderation pipeline on the sandbox', () => {
  it('deletes an invite link and warns the member', async () => {
    const author = member();
    const message = post(author, 'free nitro at discord.gg/n1tr0free');
    await deleted(message.id);
    await waitFor(
      () =>
        system.sandbox.inspect
          .actions({ kind: 'message.sent', channelId: general })
          .some((a) => String(a.data.content).includes(`<@${author}>`)),
      'the warning',
      20_000,
    );
  });

  it('counts the violation by guard and the Discord calls by action and outcome on /metrics', async () => {
    const author = member();
    await deleted(post(author, 'join discord.gg/m3tr1cs now').id);
    const scrape = async (replica: Spawned | undefined) => {
      const port = /"port":(\d+)/.exec(replica?.output() ?? '')?.[1];
      return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    };
    const sum = (texts: string[], pattern: RegExp) =>
      texts.reduce((total, text) => total + Number(pattern.exec(text)?.[1] ?? 0), 0);
    const [first, second, enforcer] = filters;
    const judged = await Promise.all([scrape(first), scrape(second)]);
    expect(sum(judged, /^chatguard_violations_total\{guard="invite"[^}]*\} (\d+)$/m)).toBeGreaterThanOrEqual(
      1,
    );
    const acted = await scrape(enforcer);
    expect(acted).toMatch(
      /^chatguard_discord_actions_total\{action="deleteMessage",outcome="ok"[^}]*\} [1-9]\d*$/m,
    );
  });

  it('times the member out for the configured minutes on the third violation', async () => {
    expect(await command('muteduration', { minutes: 9 })).toContain('Timeouts now last 9 minutes.');
    const author = member();
    // Three at once: each deleted; the second folded into the first warning (one per 5 s).
    const burst = [0, 1, 2].map((i) => post(author, `join discord.gg/raid${i}`));
    for (const message of burst) await deleted(message.id);
    const timeout = await system.sandbox.inspect.waitFor({ kind: 'member.timedOut', userId: author }, 20_000);
    const minutes = (Date.parse(String(timeout.data.until)) - timeout.at) / 60_000;
    expect(minutes).toBeGreaterThan(8.5);
    expect(minutes).toBeLessThanOrEqual(9.05);
    const warnings = system.sandbox.inspect
      .actions({ kind: 'message.sent', channelId: general })
      .filter((a) => String(a.data.content).includes(`<@${author}>`));
    expect(warnings).toHaveLength(1);

    // A moderator lifts it with /unmute, and that is audited in their name.
    const since = Date.now();
    const unmute = system.sandbox.interactions.runSlashCommand({
      guildId,
      channelId: general,
      userId: moderatorId,
      name: 'unmute',
      options: { member: author, reason: 'appeal accepted' },
    });
    await system.sandbox.inspect.waitFor({ kind: 'member.timeoutRemoved', userId: author, since }, 20_000);
    expect(unmute.id).toMatch(/^\d+$/);
    await waitFor(
      async () => {
        const rows = await system.database.db
          .selectFrom('audit_log')
          .select(['actor_id', 'reason'])
          .where('action', '=', 'member.unmute')
          .where('target_id', '=', author)
          .execute();
        return rows.some((r) => r.actor_id === moderatorId && r.reason === 'appeal accepted');
      },
      'the unmute in the audit log',
      20_000,
    );
  });

  it('records in the audit log, and does not retry, a timeout Discord refuses for an administrator', async () => {
    for (let i = 0; i < 3; i++) await deleted(post(adminId, `admins advertise too: discord.gg/adm1n${i}`).id);
    await waitFor(
      async () => {
        const rows = await system.database.db
          .selectFrom('audit_log')
          .select(['reason'])
          .where('action', '=', 'action.failed')
          .where('target_id', '=', adminId)
          .execute();
        return rows.some((r) => r.reason.includes('member.timeout refused') && r.reason.includes('403'));
      },
      'the refused timeout in the audit log',
      20_000,
    );
    expect(system.sandbox.inspect.actions({ kind: 'member.timedOut', userId: adminId })).toEqual([]);
    const ledger = await system.database.db
      .selectFrom('enforcement_action')
      .select(['status', 'attempts'])
      .where('kind', '=', 'member.timeout')
      .where('status', '=', 'failed')
      .execute();
    expect(ledger).toEqual([{ status: 'failed', attempts: 1 }]);
  });

  it('judges an edited message again', async () => {
    const author = member();
    const message = post(author, 'what a nice day');
    await new Promise((r) => setTimeout(r, 500));
    system.sandbox.users.editMessage(general, message.id, 'what a nice day, join discord.gg/3d1ted');
    await deleted(message.id);
  });

  it('leaves a whitelisted role alone', async () => {
    expect(await command('whitelistadd', { role: moderatorRole }, 'role')).toContain('now exempt');
    const exempt = post(moderatorId, 'our partner server: discord.gg/partners');
    const control = post(member(), 'and mine: discord.gg/notallowed');
    await deleted(control.id);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(deletions().some((a) => a.messageIds?.includes(exempt.id))).toBe(false);
  });

  it('stops a guard switched off by slash command at once, in every replica', async () => {
    expect(await command('inviteblock', { enabled: false })).toContain('Invite filtering is now **off**');
    const invites = Array.from({ length: 6 }, () => post(member(), 'come to discord.gg/elsewhere'));
    const control = post(member(), 'you are a fucking idiot');
    await deleted(control.id);
    await new Promise((r) => setTimeout(r, 1_000));
    const gone = new Set(deletions().flatMap((a) => a.messageIds ?? []));
    expect(invites.filter((m) => gone.has(m.id))).toEqual([]);
    expect(await command('inviteblock', { enabled: true })).toContain('Invite filtering is now **on**');
  });

  it('posts the action to the log channel as an embed', async () => {
    expect(await command('logchannel', { channel: modLog })).toContain(`<#${modLog}>`);
    const author = member();
    await deleted(post(author, 'discord.gg/logme').id);
    type Embed = { title: string; fields: { name: string; value: string }[] };
    const loggedEmbeds = () =>
      system.sandbox.inspect
        .actions({ kind: 'message.sent', channelId: modLog })
        .flatMap((a) => (a.data.embeds ?? []) as Embed[]);
    const deletionEmbed = () =>
      loggedEmbeds().find((e) => e.title === 'Message deleted' && JSON.stringify(e).includes(`<@${author}>`));
    await waitFor(() => deletionEmbed() !== undefined, 'the deletion embed in the log channel', 20_000);
    // The /logchannel change itself is logged there too.
    expect(loggedEmbeds().map((e) => e.title)).toContain('Settings changed');
    const embeds = loggedEmbeds();
    expect(JSON.stringify(embeds)).not.toContain('discord.gg/logme');
  });

  it('keeps an audit chain that verifies, and names a row changed in the database', async () => {
    await waitFor(
      async () => {
        const rows = await system.database.db
          .selectFrom('audit_log')
          .select('seq')
          .where('guild_id', '=', guildId)
          .execute();
        return rows.length >= 10;
      },
      'audit entries',
      20_000,
    );
    const verify = () =>
      spawnTs([
        'libs/cli/src/run.ts',
        'audit',
        'verify',
        '--guild',
        guildId,
        '--database-url',
        system.database.url,
      ]);
    const clean = verify();
    expect(await clean.exited, clean.output()).toBe(0);
    await system.database.db
      .updateTable('audit_log')
      .set({ reason: 'nothing happened' })
      .where('guild_id', '=', guildId)
      .where('seq', '=', '4')
      .execute();
    const tampered = verify();
    expect(await tampered.exited).toBe(1);
    expect(tampered.output()).toContain('entry 4 was changed');
  });

  it('allows invites to the guild itself and deletes the others', async () => {
    const invite = system.sandbox.users.createInvite({ guildId, channelId: general });
    // The services prefix their Redis keys with the namespace.
    const key = `${system.namespace}:chatguard:invites:${guildId}`;
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      await waitFor(
        async () => (await redis.hexists(key, invite.code)) === 1,
        'the invite in the snapshot',
        15_000,
      );
    } finally {
      redis.disconnect();
    }
    await new Promise((r) => setTimeout(r, 2_100)); // the filter's cache of invite codes
    const own = post(member(), `bring friends: https://discord.gg/${invite.code}`);
    const foreign = post(member(), 'better server: discord.gg/elsewh3re');
    await deleted(foreign.id);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(deletions().some((a) => a.messageIds?.includes(own.id))).toBe(false);
  });

  it('creates a referral campaign by slash command, with an invite the bot made', async () => {
    const reply = await command('campaign', { name: 'Autumn', channel: general }, 'create');
    const code = /discord\.gg\/(\w+)/.exec(reply)?.[1] ?? '';
    expect(reply).toContain('Campaign **Autumn** created');
    expect(system.sandbox.state.guilds[guildId]?.invites[code]?.channelId).toBe(general);
    expect(await command('campaign', {}, 'list')).toContain(`**Autumn** · discord.gg/${code} · running`);
  });
});
