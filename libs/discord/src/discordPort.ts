import { REST } from '@discordjs/rest';
import {
  type APIExtendedInvite,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord-api-types/v10';
import { classifyRestError, isAlreadyGone, UNKNOWN_INVITE, UNKNOWN_MESSAGE } from './discordErrors.ts';

/** The Discord actions Chat Guard takes: the seam between deciding and doing. */
export interface DiscordPort {
  /** Deletes a message; a message already gone counts as deleted. */
  deleteMessage(channelId: string, messageId: string, reason: string): Promise<void>;
  /** Times a member out until the given time (ms since the epoch). */
  timeoutMember(guildId: string, userId: string, untilMs: number, reason: string): Promise<void>;
  /** Lifts a member's timeout. */
  liftTimeout(guildId: string, userId: string, reason: string): Promise<void>;
  /** The guild's invites with their use counts (needs Manage Server). */
  listInvites(guildId: string): Promise<InviteSnapshot[]>;
  /** Creates a unique invite to a channel; maxAgeSec 0 never expires, maxUses 0 is unlimited. */
  createInvite(
    channelId: string,
    options: { maxAgeSec: number; maxUses: number; reason: string },
  ): Promise<string>;
  /** Deletes an invite; one already gone counts as deleted. */
  deleteInvite(code: string, reason: string): Promise<void>;
  /** The guild's vanity code, or null when it has none. */
  vanityCode(guildId: string): Promise<string | null>;
  /** Sends a message; `nonce` makes a retried send create one message, not two. */
  sendMessage(channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<{ id: string }>;
}

/** What Chat Guard keeps of an invite. */
export interface InviteSnapshot {
  readonly code: string;
  readonly channelId: string | null;
  readonly inviterId: string | null;
  readonly uses: number;
  readonly maxUses: number;
  /** When it expires (ms since the epoch), or null for never. */
  readonly expiresAt: number | null;
}

export interface DiscordRestOptions {
  /** REST base, `https://discord.com/api` or the sandbox's `http://127.0.0.1:<port>/api`. */
  readonly api: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/**
 * The DiscordPort over @discordjs/rest, which queues per route bucket, waits out 429s
 * (per route and global) and retries 5xx itself before giving up.
 */
export function createDiscordRest(options: DiscordRestOptions): DiscordPort & { readonly rest: REST } {
  const rest = new REST({
    api: options.api,
    version: '10',
    timeout: options.timeoutMs ?? 15_000,
    retries: 3,
  });
  rest.setToken(options.token);
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw classifyRestError(err, what);
    }
  };
  return {
    rest,
    async deleteMessage(channelId, messageId, reason) {
      try {
        await rest.delete(Routes.channelMessage(channelId, messageId), { reason });
      } catch (err) {
        if (isAlreadyGone(err, [UNKNOWN_MESSAGE])) return;
        throw classifyRestError(err, `delete message ${messageId}`);
      }
    },
    async timeoutMember(guildId, userId, untilMs, reason) {
      await call(`time out member ${userId}`, () =>
        rest.patch(Routes.guildMember(guildId, userId), {
          body: { communication_disabled_until: new Date(untilMs).toISOString() },
          reason,
        }),
      );
    },
    async liftTimeout(guildId, userId, reason) {
      await call(`lift the timeout of ${userId}`, () =>
        rest.patch(Routes.guildMember(guildId, userId), {
          body: { communication_disabled_until: null },
          reason,
        }),
      );
    },
    async listInvites(guildId) {
      const invites = await call(`list the invites of ${guildId}`, () =>
        rest.get(Routes.guildInvites(guildId)),
      );
      return (invites as APIExtendedInvite[]).map((i) => ({
        code: i.code,
        channelId: i.channel?.id ?? null,
        inviterId: i.inviter?.id ?? null,
        uses: i.uses ?? 0,
        maxUses: i.max_uses ?? 0,
        expiresAt: i.expires_at ? Date.parse(i.expires_at) : null,
      }));
    },
    async createInvite(channelId, options) {
      const invite = await call(`create an invite to ${channelId}`, () =>
        rest.post(Routes.channelInvites(channelId), {
          body: { max_age: options.maxAgeSec, max_uses: options.maxUses, unique: true },
          reason: options.reason,
        }),
      );
      return (invite as { code: string }).code;
    },
    async deleteInvite(code, reason) {
      try {
        await rest.delete(Routes.invite(code), { reason });
      } catch (err) {
        if (isAlreadyGone(err, [UNKNOWN_INVITE])) return;
        throw classifyRestError(err, `delete invite ${code}`);
      }
    },
    async vanityCode(guildId) {
      const vanity = await call(`read the vanity URL of ${guildId}`, () =>
        rest.get(Routes.guildVanityUrl(guildId)),
      );
      return (vanity as { code: string | null }).code ?? null;
    },
    async sendMessage(channelId, body) {
      return call(`send a message to ${channelId}`, async () => {
        const message = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
        return { id: message.id };
      });
    },
  };
}
