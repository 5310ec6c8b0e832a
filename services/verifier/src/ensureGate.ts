import { isDiscordRefused } from '@chat-guard/discord';
import {
  ButtonStyle,
  ChannelType,
  ComponentType,
  PermissionFlagsBits,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import type { GateDiscord } from './gateDiscord.ts';
import type { VerificationStore } from './verificationStore.ts';

/** The custom_id of the Verify button in the verify channel. */
export const VERIFY_BUTTON_ID = 'verify:start';
/** The in-Discord check, for members who cannot open a browser. */
export const DISCORD_CHECK_BUTTON_ID = 'verify:discord';
export const UNVERIFIED_ROLE_NAME = 'Unverified';
export const VERIFY_CHANNEL_NAME = 'verify';

/** Discord refused to let the bot set up the gate: a permission it lacks, named for the admins. */
export class GateSetupError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GateSetupError';
  }
}

export function isGateSetupError(err: unknown): err is GateSetupError {
  return err instanceof GateSetupError;
}

const VIEW = PermissionFlagsBits.ViewChannel;
const SEND = PermissionFlagsBits.SendMessages;
const HISTORY = PermissionFlagsBits.ReadMessageHistory;

/** The verify channel's single message: what to do, and the buttons. */
export const verifyMessage = (): RESTPostAPIChannelMessageJSONBody => ({
  content:
    '**Welcome!** This server checks that newcomers are people before they can take part.\n' +
    'Press **Verify** to get a private link to a short check. It works with a keyboard and a ' +
    'screen reader, and has an audio alternative. No browser? The second button checks you here.',
  components: [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Success,
          custom_id: VERIFY_BUTTON_ID,
          label: 'Verify',
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          custom_id: DISCORD_CHECK_BUTTON_ID,
          label: 'No browser? Verify here',
        },
      ],
    },
  ],
});

export interface GateObjects {
  readonly roleId: string;
  readonly channelId: string;
}

/**
 * Makes sure the guild has the Unverified role, a verify channel that role alone (with the
 * bot) can see, the role hidden from every other channel, and the one message with its button.
 * Safe to repeat: what exists is kept. A refusal becomes a GateSetupError naming the permission.
 */
export async function ensureGate(
  discord: GateDiscord,
  store: VerificationStore,
  guildId: string,
  botUserId: string,
): Promise<GateObjects> {
  const saved = await store.guild(guildId);
  const reason = 'Chat Guard member gate';
  try {
    let roleId = saved?.role_id ?? null;
    if (!roleId || !(await discord.roleIds(guildId)).includes(roleId))
      roleId = await discord.createRole(guildId, UNVERIFIED_ROLE_NAME, reason);
    await store.saveGuild(guildId, { role_id: roleId });

    const channels = await discord.listChannels(guildId);
    let channelId = saved?.channel_id ?? null;
    if (!channelId || !channels.some((c) => c.id === channelId)) {
      channelId = await discord.createTextChannel(
        guildId,
        VERIFY_CHANNEL_NAME,
        [
          { id: guildId, type: 0, allow: '0', deny: String(VIEW) },
          { id: roleId, type: 0, allow: String(VIEW | HISTORY), deny: String(SEND) },
          { id: botUserId, type: 1, allow: String(VIEW | SEND | HISTORY), deny: '0' },
        ],
        reason,
      );
    }
    for (const channel of channels) {
      if (channel.id === channelId || channel.type === ChannelType.GuildCategory) continue;
      const current = channel.overwrites.find((o) => o.id === roleId);
      if (current && (BigInt(current.deny) & VIEW) === VIEW) continue;
      await discord.putOverwrite(
        channel.id,
        { id: roleId, type: 0, allow: '0', deny: String(BigInt(current?.deny ?? '0') | VIEW) },
        reason,
      );
    }

    let messageId = saved?.message_id ?? null;
    if (!messageId || saved?.channel_id !== channelId || !(await discord.messageExists(channelId, messageId)))
      messageId = (await discord.sendMessage(channelId, verifyMessage())).id;
    await store.saveGuild(guildId, {
      channel_id: channelId,
      message_id: messageId,
      setup_error: null,
      setup_at: new Date(),
    });
    return { roleId, channelId };
  } catch (err) {
    if (!isDiscordRefused(err) || err.status !== 403) throw err;
    const problem =
      'Chat Guard cannot run the member gate: it needs Manage Roles and Manage Channels ' +
      `(and its role above Unverified). Discord said: ${err.message}`;
    await store.saveGuild(guildId, { setup_error: problem, setup_at: new Date() });
    throw new GateSetupError(problem, { cause: err });
  }
}
