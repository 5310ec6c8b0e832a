import { once } from 'node:events';
import { type Sandbox, SandboxUsageError, startSandbox } from '@chat-guard/sandbox';
import {
  type ButtonInteraction,
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What moderators' tools need of Discord beyond the basics, with the real discord.js: DMs that
// carry buttons, clicks on them (no guild around), modals and their submission, bulk delete's
// rules and the role hierarchy.

let sandbox: Sandbox;
let client: Client;
let guildId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, guilds: 1, seed: 91 });
  guildId = sandbox.guilds[0] ?? '';
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages],
    rest: { api: sandbox.api },
  });
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
});
afterAll(async () => {
  await client?.destroy();
  await sandbox?.close();
});

const info = () => sandbox.inspect.guild(guildId);
const next = <T extends Interaction>(is: (i: Interaction) => boolean) =>
  new Promise<T>((resolve) => {
    const listener = (i: Interaction) => {
      if (!is(i)) return;
      client.off(Events.InteractionCreate, listener);
      resolve(i as T);
    };
    client.on(Events.InteractionCreate, listener);
  });

describe('DMs with buttons, clicked outside any guild, and modals', () => {
  it('delivers a button click on a DM without a guild, opens a modal, and takes its submission', async () => {
    const userId = info().memberIds[3] ?? '';
    const user = await client.users.fetch(userId);
    const dm = await user.send({
      content: 'You were timed out (case #4).',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Appeal', customId: 'appeal:4' },
          ],
        },
      ],
    });
    const stored = sandbox.state.dmChannels[dm.channelId]?.messages.find((m) => m.id === dm.id);
    expect(JSON.stringify(stored?.components)).toContain('appeal:4');

    const clicked = next<ButtonInteraction>((i) => i.isButton());
    const click = sandbox.actions.clickButton({
      channelId: dm.channelId,
      userId,
      messageId: dm.id,
      customId: 'appeal:4',
    });
    const button = await clicked;
    expect(button.inGuild()).toBe(false);
    expect(button.guildId).toBeNull();
    expect(button.user.id).toBe(userId);
    expect(button.message.id).toBe(dm.id);

    await button.showModal({
      custom_id: 'appeal-form:4',
      title: 'Appeal of case #4',
      components: [
        {
          type: ComponentType.Label,
          label: 'Why should it be undone?',
          component: {
            type: ComponentType.TextInput,
            custom_id: 'text',
            style: TextInputStyle.Paragraph,
            min_length: 10,
            max_length: 200,
            required: true,
          },
        },
      ],
    });
    expect(sandbox.state.interactions[click.id]?.modal).toMatchObject({
      customId: 'appeal-form:4',
      submitted: false,
    });
    // The user's client enforces the text input's bounds: a short answer cannot be sent.
    expect(() => sandbox.actions.submitModal({ interactionId: click.id, values: { text: 'short' } })).toThrow(
      SandboxUsageError,
    );

    const submitted = next<ModalSubmitInteraction>((i) => i.isModalSubmit());
    sandbox.actions.submitModal({ interactionId: click.id, values: { text: 'It was a misunderstanding.' } });
    const modal = await submitted;
    expect(modal.inGuild()).toBe(false);
    expect(modal.customId).toBe('appeal-form:4');
    expect(modal.fields.getTextInputValue('text')).toBe('It was a misunderstanding.');
    await modal.reply({ content: 'Your appeal was sent.', flags: 64 });
    const messages = sandbox.state.dmChannels[dm.channelId]?.messages ?? [];
    expect(messages.at(-1)).toMatchObject({ content: 'Your appeal was sent.', interactionId: modal.id });
    expect(() =>
      sandbox.actions.submitModal({ interactionId: click.id, values: { text: 'Once more, please.' } }),
    ).toThrow(/submitted already/);
  });

  it('refuses a modal Discord would refuse (a title over 45 characters), keeping none', async () => {
    const userId = info().memberIds[4] ?? '';
    const dm = await (await client.users.fetch(userId)).send({
      content: 'x',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Go', customId: 'go' },
          ],
        },
      ],
    });
    const clicked = next<ButtonInteraction>((i) => i.isButton());
    const click = sandbox.actions.clickButton({
      channelId: dm.channelId,
      userId,
      messageId: dm.id,
      customId: 'go',
    });
    const button = await clicked;
    const refused = await button
      .showModal({
        customId: 'm',
        title: 'x'.repeat(46),
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.TextInput, customId: 't', label: 'T', style: TextInputStyle.Short },
            ],
          },
        ],
      })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect((refused as DiscordAPIError).code).toBe(50035);
    expect(sandbox.state.interactions[click.id]?.modal ?? null).toBeNull();
  });

  it('refuses a DM to a user who shares no server with the bot (50007)', async () => {
    const stranger = sandbox.actions.user({ username: 'stranger' });
    const refused = await (await client.users.fetch(stranger.id)).send('hello').catch((err: unknown) => err);
    expect((refused as DiscordAPIError).code).toBe(50007);
  });
});

describe("bulk delete's rules and the role hierarchy", () => {
  it('refuses duplicate ids and ids older than two weeks, whole', async () => {
    const channelId = info().channels.chat ?? '';
    const userId = info().memberIds[0] ?? '';
    const ids = [0, 1].map((i) => sandbox.actions.postMessage({ channelId, userId, content: `m${i}` }).id);
    const channel = client.channels.cache.get(channelId);
    if (!channel?.isTextBased() || channel.isDMBased()) throw new Error('no text channel');
    const twice = await client.rest
      .post(`/channels/${channelId}/messages/bulk-delete`, { body: { messages: [ids[0], ids[0]] } })
      .catch((err: unknown) => err);
    expect((twice as DiscordAPIError).code).toBe(50035);
    const old = ((BigInt(Date.now() - 15 * 86_400_000 - 1420070400000) << 22n) | 1n).toString();
    const tooOld = await client.rest
      .post(`/channels/${channelId}/messages/bulk-delete`, { body: { messages: [ids[0], old] } })
      .catch((err: unknown) => err);
    expect((tooOld as DiscordAPIError).code).toBe(50034);
    expect(ids.every((id) => sandbox.state.guilds[guildId]?.messages[id])).toBe(true);
  });

  it('takes 2 to 100 ids; unknown ones count towards the limits and are skipped', async () => {
    const channelId = info().channels.chat ?? '';
    const userId = info().memberIds[1] ?? '';
    const ids = [0, 1, 2].map((i) => sandbox.actions.postMessage({ channelId, userId, content: `n${i}` }).id);
    const bulk = (messages: readonly string[]) =>
      client.rest
        .post(`/channels/${channelId}/messages/bulk-delete`, { body: { messages } })
        .catch((err: unknown) => err);
    expect(((await bulk([ids[0] ?? ''])) as DiscordAPIError).code).toBe(50016);
    const unknown = (n: number) => (BigInt(ids[0] ?? '0') + BigInt(n + 1_000)).toString();
    const tooMany = [...ids, ...Array.from({ length: 98 }, (_, n) => unknown(n))];
    expect(((await bulk(tooMany)) as DiscordAPIError).code).toBe(50016);
    expect(ids.every((id) => sandbox.state.guilds[guildId]?.messages[id])).toBe(true);

    // One real message and one unknown id make two: the real one goes, the unknown is skipped.
    expect(await bulk([ids[0] ?? '', unknown(0)])).not.toBeInstanceOf(Error);
    expect(sandbox.state.guilds[guildId]?.messages[ids[0] ?? '']).toBeUndefined();
    const done = sandbox.inspect.actions({ kind: 'messages.bulkDeleted', channelId }).at(-1);
    expect(done?.messageIds).toEqual([ids[0]]);
    // 100 ids, the rest unknown, are within the limit.
    expect(
      await bulk([ids[1] ?? '', ids[2] ?? '', ...Array.from({ length: 98 }, (_, n) => unknown(n))]),
    ).not.toBeInstanceOf(Error);
    expect(sandbox.state.guilds[guildId]?.messages[ids[1] ?? '']).toBeUndefined();
  });

  it('lets the bot ban a member with Administrator it outranks, but never time one out', async () => {
    const guild = client.guilds.cache.get(guildId);
    const target = info().memberIds[8] ?? '';
    const role = await guild?.roles
      .create({ name: 'Helpers', permissions: ['Administrator'] })
      .catch((err: unknown) => err);
    // The bot may not grant Administrator it lacks: a role above its own powers is refused.
    expect((role as DiscordAPIError).code).toBe(50013);
    const state = sandbox.state.guilds[guildId];
    const helpers = '1200000000000000001';
    const everyone = state?.roles[guildId];
    if (!state || !everyone) throw new Error('no guild');
    state.roles[helpers] = {
      ...everyone,
      id: helpers,
      name: 'Helpers',
      position: 1,
      permissions: (1n << 3n).toString(),
    };
    state.members[target]?.roles.push(helpers);
    const timeout = await guild?.members
      .edit(target, { communicationDisabledUntil: new Date(Date.now() + 60_000) })
      .catch((err: unknown) => err);
    expect((timeout as DiscordAPIError).code).toBe(50013);
    await guild?.members.ban(target, { reason: 'raid' });
    expect(state.bans[target]).toBeDefined();
  });
});
