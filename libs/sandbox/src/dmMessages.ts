import { ChannelType, MessageType } from 'discord-api-types/v10';
import { apiUser, userOf } from './payloads.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxDmChannel, SandboxDmMessage, SandboxMessage } from './sandboxState.ts';

/** The DM channel of the bot with a user, opened if need be (as `POST /users/@me/channels` does). */
export function dmChannelWith(core: SandboxCore, userId: string): SandboxDmChannel {
  let dm = Object.values(core.state.dmChannels).find((c) => c.userId === userId);
  if (!dm) {
    dm = { id: core.ids.next(), userId, messages: [] };
    core.state.dmChannels[dm.id] = dm;
  }
  return dm;
}

/** A DM channel as Discord sends it. */
export function apiDmChannel(core: SandboxCore, dm: SandboxDmChannel): Record<string, unknown> {
  return {
    id: dm.id,
    type: ChannelType.DM,
    last_message_id: dm.messages.at(-1)?.id ?? null,
    flags: 0,
    recipients: [apiUser(userOf(core.state, dm.userId))],
  };
}

/** The bot posts in a DM channel (no checks: an interaction may always be answered). */
export function createDmMessage(
  core: SandboxCore,
  dm: SandboxDmChannel,
  parts: Pick<SandboxMessage, 'content' | 'embeds' | 'components'>,
  extra: { flags?: number; interactionId?: string | null } = {},
): SandboxDmMessage {
  const message: SandboxDmMessage = {
    id: core.ids.next(),
    ...parts,
    createdAt: core.now(),
    editedAt: null,
    flags: extra.flags ?? 0,
    interactionId: extra.interactionId ?? null,
  };
  dm.messages.push(message);
  return message;
}

/** A DM message as Discord sends it. */
export function apiDmMessage(core: SandboxCore, dm: SandboxDmChannel, message: SandboxDmMessage) {
  return {
    id: message.id,
    channel_id: dm.id,
    author: apiUser(userOf(core.state, core.state.botUserId)),
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt ? new Date(message.editedAt).toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    type: message.interactionId ? MessageType.ChatInputCommand : MessageType.Default,
    flags: message.flags ?? 0,
  };
}
