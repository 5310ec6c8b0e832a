import { consume } from '@chat-guard/bus';
import type { EventPayload } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConsumer, waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

let system: System;
beforeAll(async () => {
  system = await startSystem();
  await system.start('gateway');
}, 90_000);
afterAll(() => system?.stop());

describe('the gateway on the sandbox', () => {
  it('turns messages and joins into events, and registers the slash commands', async () => {
    const { sandbox, bus } = system;
    const [guildId] = sandbox.guilds;
    if (!guildId) throw new Error('no guild');
    const guild = sandbox.inspect.guild(guildId);
    await sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 20_000);

    const seen: { name: string; payload: unknown }[] = [];
    const probe = testConsumer({ durable: 'probe', filter: null, ackWaitMs: 30_000 });
    await bus.jsm.consumers.add(bus.ns.stream('DISCORD'), {
      durable_name: 'probe',
      ack_policy: 'explicit' as never,
    });
    const consumption = await consume(bus, probe, {
      'message.created': async (p) => {
        seen.push({ name: 'message.created', payload: p });
      },
      'member.joined': async (p) => {
        seen.push({ name: 'member.joined', payload: p });
      },
    });
    const author = guild.memberIds[0] ?? '';
    const channelId = guild.channels.general ?? '';
    const message = sandbox.users.postMessage({
      channelId,
      userId: author,
      content: `hello <@${guild.ownerId}>`,
    });
    const { user } = sandbox.users.addMember({ guildId, user: { username: 'newcomer_1' } });
    await waitFor(() => seen.length >= 2, 'both events', 15_000);
    await consumption.stop();

    const created = seen.find((s) => s.name === 'message.created')
      ?.payload as EventPayload<'message.created'>;
    expect(created).toMatchObject({
      guildId,
      channelId,
      messageId: message.id,
      authorId: author,
      content: `hello <@${guild.ownerId}>`,
      mentionUserIds: [guild.ownerId],
    });
    const joined = seen.find((s) => s.name === 'member.joined')?.payload as EventPayload<'member.joined'>;
    expect(joined).toMatchObject({ guildId, userId: user.id, username: 'newcomer_1' });
  });

  it("answers an admin's slash command ephemerally and stores the change", async () => {
    const { sandbox, database } = system;
    const [guildId] = sandbox.guilds;
    if (!guildId) throw new Error('no guild');
    const guild = sandbox.inspect.guild(guildId);
    const since = Date.now();
    sandbox.interactions.runSlashCommand({
      guildId,
      channelId: guild.channels.general ?? '',
      userId: guild.adminId ?? '',
      name: 'muteduration',
      options: { minutes: 7 },
    });
    // The gateway defers (ephemeral), then edits the reply in.
    const deferred = await sandbox.inspect.waitFor({ kind: 'interaction.responded', guildId, since }, 15_000);
    expect(deferred.data).toMatchObject({ flags: 64 });
    const reply = await sandbox.inspect.waitFor({ kind: 'message.edited', guildId, since }, 15_000);
    expect(JSON.stringify(reply.data)).toContain('Timeouts now last 7 minutes.');
    expect((await loadGuildConfig(database.db, guildId)).config.muteDurationMinute).toBe(7);

    const refusedSince = Date.now();
    sandbox.interactions.runSlashCommand({
      guildId,
      channelId: guild.channels.general ?? '',
      userId: guild.memberIds[1] ?? '',
      name: 'spamblock',
      options: { enabled: false },
    });
    await waitFor(
      () =>
        sandbox.inspect
          .actions({ guildId, since: refusedSince })
          .some((a) => JSON.stringify(a.data).includes('administrators only')),
      'the refusal',
      15_000,
    );
    expect((await loadGuildConfig(database.db, guildId)).config.spamGuard).toBe(true);
  });
});

describe('gateway replicas', () => {
  it("split the shards by pod ordinal: each guild's events come from one replica, once", async () => {
    const split = await startSystem({ sandbox: { guilds: 4, seed: 5, recommendedShards: 2 } });
    try {
      const replicas = await Promise.all([
        // As in the StatefulSet: the pod's name gives its ordinal, the ordinal its shards.
        split.start('gateway', { GATEWAY_REPLICAS: '2', SHARD_COUNT: '2', POD_NAME: 'gateway-0' }),
        split.start('gateway', { GATEWAY_REPLICAS: '2', SHARD_COUNT: '2', POD_NAME: 'gateway-1' }),
      ]);
      const { sandbox, bus } = split;
      // Each replica registered commands for exactly the guilds of its own shard (it logs
      // that once Discord answered, a moment after the sandbox recorded the call).
      const served = () =>
        replicas.map((r) =>
          [...r.output().matchAll(/"guildId":"(\d+)","commands":\d+,"msg":"slash commands registered"/g)].map(
            (m) => m[1],
          ),
        );
      await waitFor(() => served().flat().length === 4, 'commands in every guild', 30_000);
      const shardOf = (g: string) => Number((BigInt(g) >> 22n) % 2n);
      expect(new Set(sandbox.guilds.map(shardOf)).size).toBe(2);
      expect(
        new Set(sandbox.inspect.actions({ kind: 'commands.overwritten' }).map((a) => a.guildId)).size,
      ).toBe(4);
      expect(served()[0]?.sort()).toEqual(sandbox.guilds.filter((g) => shardOf(g) === 0).sort());
      expect(served()[1]?.sort()).toEqual(sandbox.guilds.filter((g) => shardOf(g) === 1).sort());
      const posted = sandbox.guilds.map((guildId) => {
        const guild = sandbox.inspect.guild(guildId);
        return sandbox.users.postMessage({
          channelId: guild.channels.general ?? '',
          userId: guild.memberIds[0] ?? '',
          content: `hello from ${guildId}`,
        });
      });
      await waitFor(
        async () =>
          (await bus.jsm.streams.info(bus.ns.stream('DISCORD'), { subjects_filter: '>' })).state.subjects !==
            undefined &&
          Object.entries(
            (await bus.jsm.streams.info(bus.ns.stream('DISCORD'), { subjects_filter: '>' })).state.subjects ??
              {},
          )
            .filter(([s]) => s.endsWith('.message.created'))
            .reduce((n, [, c]) => n + c, 0) >= posted.length,
        'every message event',
        20_000,
      );
      await new Promise((r) => setTimeout(r, 1_000));
      const { state } = await bus.jsm.streams.info(bus.ns.stream('DISCORD'), { subjects_filter: '>' });
      const perGuild = sandbox.guilds.map(
        (g) => state.subjects?.[bus.ns.subject(`discord.${g}.message.created`)] ?? 0,
      );
      expect(perGuild).toEqual(sandbox.guilds.map(() => 1));
      // Each replica reports its own shard connected, and the bot's shard count, for the alert.
      for (const [ordinal, replica] of replicas.entries()) {
        const port = /"port":(\d+)/.exec(replica.output())?.[1];
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(text).toMatch(
          new RegExp(`^chatguard_gateway_shard_connected\\{[^}]*shard="${ordinal}"[^}]*\\} 1$`, 'm'),
        );
        expect(text).not.toMatch(new RegExp(`shard="${1 - ordinal}"`));
        expect(text).toMatch(/^chatguard_gateway_shard_count\{[^}]*\} 2$/m);
      }
    } finally {
      await split.stop();
    }
  }, 120_000);
});
