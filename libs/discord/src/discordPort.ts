import { REST } from '@discordjs/rest';
import {
  type APIExtendedInvite,
  type APIGuild,
  type APIGuildChannel,
  type APIMessage,
  type ChannelType,
  type GuildChannelType,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIWebhookWithTokenJSONBody,
  Routes,
} from 'discord-api-types/v10';
import {
  classifyRestError,
  isAlreadyGone,
  UNKNOWN_INVITE,
  UNKNOWN_MEMBER,
  UNKNOWN_MESSAGE,
  UNKNOWN_OVERWRITE,
} from './discordErrors.ts';
import { countCalls, observeRest } from './discordMetrics.ts';

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
  /** Edits a message the bot sent. */
  editMessage(channelId: string, messageId: string, body: RESTPatchAPIChannelMessageJSONBody): Promise<void>;
  /** The guild's settings a lockdown changes. */
  guildState(guildId: string): Promise<GuildLockdownState>;
  /** The guild's channels with their slowmode and permission overwrites. */
  listChannels(guildId: string): Promise<ChannelState[]>;
  setVerificationLevel(guildId: string, level: number, reason: string): Promise<void>;
  /** Pauses invites (and DMs) until the given times (ms), at most 24 hours ahead; null resumes. */
  setIncidentActions(
    guildId: string,
    until: { invitesDisabledUntil: number | null; dmsDisabledUntil: number | null },
    reason: string,
  ): Promise<void>;
  setSlowmode(channelId: string, seconds: number, reason: string): Promise<void>;
  /** Sets (replaces) one permission overwrite of a channel. */
  putOverwrite(channelId: string, overwrite: PermissionOverwrite, reason: string): Promise<void>;
  /** Removes one permission overwrite; one already gone counts as removed. */
  deleteOverwrite(channelId: string, overwriteId: string, reason: string): Promise<void>;
  banMember(guildId: string, userId: string, reason: string, deleteMessageSeconds?: number): Promise<void>;
  /** Kicks a member; one already gone counts as kicked. */
  kickMember(guildId: string, userId: string, reason: string): Promise<void>;
  /** Lifts a ban; Discord refuses (10026) when the user is not banned. */
  unbanMember(guildId: string, userId: string, reason: string): Promise<void>;
  /** Deletes 2 to 100 messages of one channel younger than 14 days in one request. */
  bulkDeleteMessages(channelId: string, messageIds: readonly string[], reason: string): Promise<void>;
  /** A page of a channel's messages, newest first (at most 100), before a message if given. */
  listMessages(channelId: string, page: { limit: number; before?: string }): Promise<MessageSummary[]>;
  /** Opens the DM channel with a user and sends a message there (403 50007 when Discord will not). */
  sendDirectMessage(userId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<{ id: string }>;
  /** The guild's name and owner. */
  guildSummary(guildId: string): Promise<{ readonly name: string; readonly ownerId: string }>;
  /** Sends a follow-up message to an interaction already answered, through its webhook token. */
  followUpInteraction(
    applicationId: string,
    token: string,
    body: RESTPostAPIWebhookWithTokenJSONBody,
  ): Promise<void>;
  /**
   * Discord's member search (`POST /guilds/{id}/members-search`, undocumented): the raw JSON
   * answer, which the caller checks, since its shape may change without notice.
   */
  searchMembers(guildId: string, body: MemberSearchBody): Promise<unknown>;
}

/** One message of a channel listing: what picking messages to purge needs. */
export interface MessageSummary {
  readonly id: string;
  readonly authorId: string;
  readonly createdAt: number;
  readonly pinned: boolean;
}

/** A member-search query: `and_query`/`or_query` per field, e.g. `{ user_id: { or_query: [...] } }`. */
export interface MemberSearchBody {
  readonly and_query?: Readonly<Record<string, unknown>>;
  readonly or_query?: Readonly<Record<string, unknown>>;
  /** 1 to 1000. */
  readonly limit: number;
  /** 1 newest members first, 2 oldest, 3 newest accounts, 4 oldest accounts. */
  readonly sort?: number;
}

/** What a lockdown changes at the guild level, and must put back. */
export interface GuildLockdownState {
  readonly verificationLevel: number;
  /** Paused invites and DMs (ms since the epoch), or null. */
  readonly invitesDisabledUntil: number | null;
  readonly dmsDisabledUntil: number | null;
}

/** One permission overwrite: a role (type 0) or member (type 1), bitfields as decimal strings. */
export interface PermissionOverwrite {
  readonly id: string;
  readonly type: 0 | 1;
  readonly allow: string;
  readonly deny: string;
}

/** What a lockdown changes in a channel, and must put back. */
export interface ChannelState {
  readonly id: string;
  readonly type: ChannelType;
  readonly name: string;
  readonly rateLimitPerUser: number;
  readonly overwrites: readonly PermissionOverwrite[];
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
 * (per route and global) and retries 5xx itself before giving up. Every call is counted by
 * action and outcome, and every 429 by scope (`chatguard_discord_*`).
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
  observeRest(rest);
  return countCalls({
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
    async editMessage(channelId, messageId, body) {
      await call(`edit message ${messageId}`, () =>
        rest.patch(Routes.channelMessage(channelId, messageId), { body }),
      );
    },
    async guildState(guildId) {
      const guild = (await call(`read guild ${guildId}`, () =>
        rest.get(Routes.guild(guildId)),
      )) as APIGuild & {
        incidents_data?: { invites_disabled_until: string | null; dms_disabled_until: string | null } | null;
      };
      const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
      return {
        verificationLevel: guild.verification_level,
        invitesDisabledUntil: time(guild.incidents_data?.invites_disabled_until),
        dmsDisabledUntil: time(guild.incidents_data?.dms_disabled_until),
      };
    },
    async listChannels(guildId) {
      const channels = (await call(`list the channels of ${guildId}`, () =>
        rest.get(Routes.guildChannels(guildId)),
      )) as (APIGuildChannel<GuildChannelType> & { rate_limit_per_user?: number })[];
      return channels.map((c) => ({
        id: c.id,
        type: c.type,
        name: c.name ?? '',
        rateLimitPerUser: c.rate_limit_per_user ?? 0,
        overwrites: (c.permission_overwrites ?? []).map((o) => ({
          id: o.id,
          type: o.type === 1 ? 1 : 0,
          allow: o.allow,
          deny: o.deny,
        })),
      }));
    },
    async setVerificationLevel(guildId, level, reason) {
      await call(`set the verification level of ${guildId}`, () =>
        rest.patch(Routes.guild(guildId), { body: { verification_level: level }, reason }),
      );
    },
    async setIncidentActions(guildId, until, reason) {
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      await call(`set the incident actions of ${guildId}`, () =>
        rest.put(`/guilds/${guildId}/incident-actions`, {
          body: {
            invites_disabled_until: iso(until.invitesDisabledUntil),
            dms_disabled_until: iso(until.dmsDisabledUntil),
          },
          reason,
        }),
      );
    },
    async setSlowmode(channelId, seconds, reason) {
      await call(`set slowmode in ${channelId}`, () =>
        rest.patch(Routes.channel(channelId), { body: { rate_limit_per_user: seconds }, reason }),
      );
    },
    async putOverwrite(channelId, overwrite, reason) {
      await call(`set permissions in ${channelId}`, () =>
        rest.put(Routes.channelPermission(channelId, overwrite.id), {
          body: { type: overwrite.type, allow: overwrite.allow, deny: overwrite.deny },
          reason,
        }),
      );
    },
    async deleteOverwrite(channelId, overwriteId, reason) {
      try {
        await rest.delete(Routes.channelPermission(channelId, overwriteId), { reason });
      } catch (err) {
        if (isAlreadyGone(err, [UNKNOWN_OVERWRITE])) return;
        throw classifyRestError(err, `remove permissions in ${channelId}`);
      }
    },
    async banMember(guildId, userId, reason, deleteMessageSeconds = 0) {
      await call(`ban member ${userId}`, () =>
        rest.put(Routes.guildBan(guildId, userId), {
          body: { delete_message_seconds: deleteMessageSeconds },
          reason,
        }),
      );
    },
    async kickMember(guildId, userId, reason) {
      try {
        await rest.delete(Routes.guildMember(guildId, userId), { reason });
      } catch (err) {
        if (isAlreadyGone(err, [UNKNOWN_MEMBER])) return;
        throw classifyRestError(err, `kick member ${userId}`);
      }
    },
    async unbanMember(guildId, userId, reason) {
      await call(`unban ${userId}`, () => rest.delete(Routes.guildBan(guildId, userId), { reason }));
    },
    async bulkDeleteMessages(channelId, messageIds, reason) {
      await call(`delete ${messageIds.length} messages in ${channelId}`, () =>
        rest.post(Routes.channelBulkDelete(channelId), { body: { messages: messageIds }, reason }),
      );
    },
    async listMessages(channelId, page) {
      const query = new URLSearchParams({ limit: String(page.limit) });
      if (page.before) query.set('before', page.before);
      const messages = (await call(`list the messages of ${channelId}`, () =>
        rest.get(Routes.channelMessages(channelId), { query }),
      )) as APIMessage[];
      return messages.map((m) => ({
        id: m.id,
        authorId: m.author.id,
        createdAt: Date.parse(m.timestamp),
        pinned: m.pinned,
      }));
    },
    async sendDirectMessage(userId, body) {
      return call(`send a direct message to ${userId}`, async () => {
        const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as {
          id: string;
        };
        const message = (await rest.post(Routes.channelMessages(channel.id), { body })) as { id: string };
        return { id: message.id };
      });
    },
    async guildSummary(guildId) {
      const guild = (await call(`read guild ${guildId}`, () => rest.get(Routes.guild(guildId)))) as APIGuild;
      return { name: guild.name, ownerId: guild.owner_id };
    },
    async followUpInteraction(applicationId, token, body) {
      await call('follow up an interaction', () =>
        rest.post(Routes.webhook(applicationId, token), { body, auth: false }),
      );
    },
    async searchMembers(guildId, body) {
      return call(`search the members of ${guildId}`, () =>
        rest.post(`/guilds/${guildId}/members-search`, { body }),
      );
    },
  });
}
