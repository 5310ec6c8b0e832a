import { once } from 'node:events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

function collectMessages(client: Client, count: number): Promise<string[]> {
  const ids: string[] = [];
  return new Promise((resolve) => {
    const onMessage = (message: Message): void => {
      ids.push(message.id);
      if (ids.length === count) {
        client.off(Events.MessageCreate, onMessage);
        resolve(ids);
      }
    };
    client.on(Events.MessageCreate, onMessage);
  });
}

describe('gateway connection recovery', () => {
  let sandbox: Sandbox;
  let client: Client;
  let readies = 0;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 1, seed: 11 });
    client = new Client({ intents, rest: { api: sandbox.api } });
    readies = 0;
    client.ws.on('READY' as never, () => readies++);
    const ready = once(client, Events.ClientReady);
    await client.login(sandbox.token);
    await ready;
    readies = 0;
  });

  afterEach(async () => {
    await client.destroy();
    await sandbox.close();
  });

  it('a dropped connection is resumed and the dispatches sent meanwhile all arrive', async () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const resumed = once(client, Events.ShardResume);
    const arrived = collectMessages(client, 3);
    expect(sandbox.faults.dropGatewayConnections()).toBe(1);
    const posted = ['one', 'two', 'three'].map(
      (content, i) =>
        sandbox.actions.postMessage({
          channelId: info.channels.chat ?? '',
          userId: info.memberIds[i] ?? '',
          content,
        }).id,
    );
    await resumed;
    expect(await arrived).toEqual(posted);
    expect(readies).toBe(0);
  });

  it('op 7 Reconnect makes the client reconnect and resume without missing a message', async () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const resumed = once(client, Events.ShardResume);
    const arrived = collectMessages(client, 2);
    sandbox.faults.requestReconnect();
    const posted = [
      sandbox.actions.postMessage({
        channelId: info.channels.general ?? '',
        userId: info.memberIds[0] ?? '',
        content: 'during',
      }).id,
    ];
    await resumed;
    posted.push(
      sandbox.actions.postMessage({
        channelId: info.channels.general ?? '',
        userId: info.memberIds[1] ?? '',
        content: 'after',
      }).id,
    );
    expect(await arrived).toEqual(posted);
  });

  it('an expired session is refused with op 9 and the client identifies anew', async () => {
    const ready = new Promise<void>((resolve) => client.ws.on('READY' as never, () => resolve()));
    expect(sandbox.faults.invalidateGatewaySessions()).toBe(1);
    await ready;
    expect(readies).toBe(1);
    expect(sandbox.inspect.gatewaySessions()).toBe(1);
  });

  it('pages a channel forward with after=, each page newest first as Discord answers', async () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const channelId = info.channels.chat ?? '';
    const posted = Array.from(
      { length: 7 },
      (_, i) =>
        sandbox.actions.postMessage({ channelId, userId: info.memberIds[i % 3] ?? '', content: `m${i}` }).id,
    );
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) throw new Error('chat is not a text channel');
    const first = await channel.messages.fetch({ after: posted[0] ?? '', limit: 3 });
    expect([...first.keys()]).toEqual([posted[3], posted[2], posted[1]]);
    const second = await channel.messages.fetch({ after: posted[3] ?? '', limit: 3 });
    expect([...second.keys()]).toEqual([posted[6], posted[5], posted[4]]);
    const newest = await channel.messages.fetch({ limit: 2 });
    expect([...newest.keys()]).toEqual([posted[6], posted[5]]);
  });
});
