import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { GateSettings } from '@chat-guard/events';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { Redis } from 'ioredis';
import { waitFor } from '../support/bus.ts';
import type { System } from '../support/system.ts';

/** A port nothing listens on right now, for the verify page (its links must name it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export const newSecret = () => randomBytes(24).toString('hex');

/** Sets a guild's gate settings the way /gate does: in PostgreSQL, then announced to every service. */
export async function setGate(system: System, guildId: string, gate: Partial<GateSettings>): Promise<void> {
  const admin = system.sandbox.inspect.guild(guildId).adminId ?? '1';
  const update = await updateGuildConfig(
    system.database.db,
    guildId,
    (c) => ({ gate: { ...c.gate, ...gate } }),
    admin,
  );
  await announceGuildConfig(
    system.bus,
    guildId,
    { config: update.after, revision: update.revision },
    admin,
    Date.now(),
  );
}

/** Plays the people and reads what Discord and the verifier hold, for one test file's system. */
export function gateHarness(system: System) {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    keyPrefix: `${system.namespace}:`,
  });
  const member = (guildId: string, userId: string) => system.sandbox.state.guilds[guildId]?.members[userId];
  const codeOfToken = async (token: string): Promise<string> => {
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
      n: string;
    };
    const code = await redis.get(`chatguard:verify:code:${claims.n}`);
    if (!code) throw new Error('no code is kept for this link (was the page loaded?)');
    return code;
  };
  const verifierGuild = (guildId: string) =>
    system.database.db
      .selectFrom('verifier_guild')
      .selectAll()
      .where('guild_id', '=', guildId)
      .executeTakeFirst();

  return {
    redis,
    member,
    verifierGuild,
    /** A new account joins the guild; resolves with its id. */
    join(
      guildId: string,
      user: { id?: string; createdAt?: number; avatar?: string | null; username?: string } = {},
    ): string {
      return system.sandbox.users.addMember({ guildId, user: { avatar: 'a1b2c3', ...user } }).user.id;
    },
    /** The Unverified role the verifier made in the guild. */
    async unverifiedRole(guildId: string): Promise<string> {
      await waitFor(
        async () => (await verifierGuild(guildId))?.role_id != null,
        'the Unverified role',
        20_000,
      );
      return (await verifierGuild(guildId))?.role_id ?? '';
    },
    async waitForRole(guildId: string, userId: string, roleId: string, present: boolean, what: string) {
      await waitFor(
        () => (member(guildId, userId)?.roles.includes(roleId) ?? false) === present,
        what,
        20_000,
      );
    },
    /** The member presses Verify in the verify channel; resolves with the link of the private reply. */
    async pressVerify(guildId: string, userId: string): Promise<string> {
      const gate = await verifierGuild(guildId);
      if (!gate?.channel_id || !gate.message_id) throw new Error('the verify channel is not set up');
      const since = Date.now();
      const interaction = system.sandbox.interactions.clickButton({
        channelId: gate.channel_id,
        messageId: gate.message_id,
        userId,
        customId: 'verify:start',
      });
      const reply = () =>
        system.sandbox.inspect
          .actions({ kind: 'interaction.responded', guildId, since })
          .find((a) => a.data.interactionId === interaction.id);
      await waitFor(() => reply() !== undefined, 'the reply to Verify', 20_000);
      const data = reply()?.data as {
        flags?: number;
        content?: string;
        components?: { components: { url?: string }[] }[];
      };
      if (((data.flags ?? 0) & 64) === 0) throw new Error('the reply to Verify is not ephemeral');
      const url = data.components?.[0]?.components[0]?.url;
      if (!url) throw new Error(`no link in the reply: ${data.content}`);
      return url;
    },
    /** The member presses a button on a message; resolves with the bot's answer (its data and message). */
    async press(guildId: string, userId: string, channelId: string, messageId: string, customId: string) {
      const since = Date.now();
      const interaction = system.sandbox.interactions.clickButton({ channelId, messageId, userId, customId });
      const reply = () =>
        system.sandbox.inspect
          .actions({ kind: 'interaction.responded', guildId, since })
          .find((a) => a.data.interactionId === interaction.id);
      await waitFor(() => reply() !== undefined, `the answer to ${customId}`, 20_000);
      return { interaction, data: reply()?.data ?? {}, messageId: reply()?.messageIds?.[0] ?? '' };
    },
    /** The member submits the modal the bot showed; resolves with the bot's private answer. */
    async submit(guildId: string, modalInteractionId: string, values: Record<string, string>) {
      const since = Date.now();
      const interaction = system.sandbox.interactions.submitModal({
        interactionId: modalInteractionId,
        values,
      });
      const reply = () =>
        system.sandbox.inspect
          .actions({ kind: 'interaction.responded', guildId, since })
          .find((a) => a.data.interactionId === interaction.id);
      await waitFor(() => reply() !== undefined, 'the answer to the modal', 20_000);
      return { data: reply()?.data ?? {}, messageId: reply()?.messageIds?.[0] ?? '' };
    },
    /**
     * What a person reads in the picture: the code the verifier drew for the link, read where it
     * keeps it (a test cannot look at the picture, a person can).
     */
    async codeShownFor(link: string): Promise<string> {
      return codeOfToken(link.split('/verify/')[1] ?? '');
    },
    /** What the member reads in the picture of their in-Discord check (attached to the reply). */
    async codeShownInDiscord(guildId: string, userId: string): Promise<string> {
      return codeOfToken((await redis.get(`chatguard:verify:discord:${guildId}:${userId}`)) ?? '');
    },
    async audits(guildId: string, userId: string): Promise<string[]> {
      const rows = await system.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('guild_id', '=', guildId)
        .where('target_id', '=', userId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.action);
    },
    async verification(guildId: string, userId: string) {
      return system.database.db
        .selectFrom('verification')
        .selectAll()
        .where('guild_id', '=', guildId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },
    close: () => redis.quit(),
  };
}
