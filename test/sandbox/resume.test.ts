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
});
