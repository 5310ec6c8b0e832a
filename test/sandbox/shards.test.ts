import { once } from 'node:events';
import { type Sandbox, shardOf, startSandbox } from '@chat-guard/sandbox';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('sharding', () => {
  let sandbox: Sandbox;
  const clients: Client[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 4, seed: 5, recommendedShards: 2 });
    for (const shard of [0, 1]) {
      const client = new Client({
        intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
        shards: shard,
        shardCount: 2,
        rest: { api: sandbox.api },
      });
      const ready = once(client, Events.ClientReady);
      await client.login(sandbox.token);
      await ready;
      clients.push(client);
    }
  });

  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await sandbox?.close();
  });

  it('two shards each receive only their guilds, by (guild_id >> 22) % 2', () => {
    const expected = [0, 1].map((shard) => sandbox.guilds.filter((id) => shardOf(id, 2) === shard).sort());
    expect(expected[0]?.length).toBe(2);
    expect(expected[1]?.length).toBe(2);
    clients.forEach((client, shard) => {
      expect([...client.guilds.cache.keys()].sort()).toEqual(expected[shard]);
    });
  });

  it("a guild's messages reach only the shard that owns it", async () => {
    const guildId = sandbox.guilds.find((id) => shardOf(id, 2) === 1) ?? '';
    const info = sandbox.inspect.guild(guildId);
    const seen: number[] = [];
    clients.forEach((client, shard) => {
      client.on(Events.MessageCreate, (_m: Message) => seen.push(shard));
    });
    const arrived = once(clients[1] as Client, Events.MessageCreate);
    sandbox.actions.postMessage({
      channelId: info.channels.general ?? '',
      userId: info.memberIds[0] ?? '',
      content: 'shard one',
    });
    await arrived;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([1]);
  });
});
