import type { EventName } from '@chat-guard/events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { type Client, Events } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelCursors } from '../../services/gateway/src/channelCursors.ts';
import {
  forwardMessageCreated,
  messageCreateInterceptor,
} from '../../services/gateway/src/forwardDiscordEvents.ts';
import type { Forwarder } from '../../services/gateway/src/forwarder.ts';
import { waitFor } from '../support/bus.ts';
import { sandboxClient } from '../support/sandboxClient.ts';

// The anomaly-detector reads newcomers' posts, not the guilds' whole chat: the gateway publishes
// a newcomer's message twice (message.created and newcomer.posted), anyone else's once, on the
// raw path and through discord.js alike.
interface Published {
  readonly name: EventName;
  readonly payload: Record<string, unknown>;
}

/** Records what would go to NATS; the channel's cursor moves once all of a message is stored. */
function recorder() {
  const published: Published[] = [];
  const cursorAt: string[] = [];
  const forwarder = {
    forward(name: EventName, payload: Record<string, unknown>, onPublished?: () => void) {
      published.push({ name, payload });
      onPublished?.();
    },
  } as unknown as Forwarder;
  const cursors = {
    published: (_guildId: string, _channelId: string, messageId: string) => cursorAt.push(messageId),
  } as unknown as ChannelCursors;
  return { published, cursorAt, forwarder, cursors };
}

let sandbox: Sandbox;
let client: Client;
const raw = recorder();
const viaDiscordJs = recorder();

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 44 });
  client = await sandboxClient(sandbox, (c) => {
    const intercept = messageCreateInterceptor(c, raw.forwarder, raw.cursors);
    c.on(Events.Raw, (packet) => intercept(packet));
    c.on(Events.MessageCreate, (m) => forwardMessageCreated(m, viaDiscordJs.forwarder, viaDiscordJs.cursors));
  });
});

afterAll(async () => {
  await client.destroy();
  await sandbox.close();
});

it('publishes a newcomer’s message again as newcomer.posted, and an older member’s only once', async () => {
  const guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  const general = view.channels.general ?? '';
  const guild = sandbox.core.state.guilds[guildId];
  const old = view.memberIds.find((id) => id !== guild?.ownerId && !guild?.members[id]?.roles.length) ?? '';
  const { user, member } = sandbox.users.addMember({ guildId });
  const oldPost = sandbox.users.postMessage({ userId: old, channelId: general, content: 'morning all' }).id;
  const newPost = sandbox.users.postMessage({
    userId: user.id,
    channelId: general,
    content: `hi <@${old}> join discord.gg/elsewhere`,
  }).id;
  for (const [path, seen] of [
    ['raw', raw],
    ['discord.js', viaDiscordJs],
  ] as const) {
    await waitFor(
      () => seen.cursorAt.includes(newPost) && seen.cursorAt.includes(oldPost),
      `both on ${path}`,
    );
    const about = (messageId: string) =>
      seen.published.filter((p) => p.payload.messageId === messageId).map((p) => p.name);
    expect(about(oldPost), path).toEqual(['message.created']);
    expect(about(newPost), path).toEqual(['message.created', 'newcomer.posted']);
    const posted = seen.published.find((p) => p.name === 'newcomer.posted')?.payload;
    expect(posted, path).toMatchObject({
      guildId,
      authorId: user.id,
      authorJoinedAt: member.joinedAt,
      content: `hi <@${old}> join discord.gg/elsewhere`,
      mentionCount: 1,
      mentionsEveryone: false,
    });
  }
});
