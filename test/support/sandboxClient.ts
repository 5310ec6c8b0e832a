import { once } from 'node:events';
import type { Sandbox } from '@chat-guard/sandbox';
import { type Client, Events } from 'discord.js';
import { createDiscordClient } from '../../services/gateway/src/discordClient.ts';

/**
 * A discord.js client logged in to the sandbox as the gateway's is, ready. `beforeLogin` sets it
 * up first (listeners, guards), so it sees every dispatch from the start.
 */
export async function sandboxClient(
  sandbox: Sandbox,
  beforeLogin: (client: Client) => void,
): Promise<Client> {
  const client = createDiscordClient({ api: sandbox.api, shards: 'auto', shardCount: 'auto' });
  beforeLogin(client);
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
  return client;
}
