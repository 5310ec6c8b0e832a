import { once } from 'node:events';
import { type Consumption, consume, type EventBus } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { decideAppeal, editCaseReason, GuildNames, moderate, submitAppeal } from '@chat-guard/enforcer';
import { defaultGuildConfig, topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { recordAudit } from '@chat-guard/log-writer';
import { type Sandbox, type SandboxInteraction, startSandbox } from '@chat-guard/sandbox';
import { Events } from 'discord.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { commandBodies } from '../../services/gateway/src/commands/definitions.ts';
import { createDiscordClient } from '../../services/gateway/src/discordClient.ts';
import { answerInteraction } from '../../services/gateway/src/handleInteraction.ts';
import { discordMemberLookup } from '../../services/gateway/src/memberLookup.ts';
import { busFactory, uniqueNamespace, waitFor } from './bus.ts';
import { migratedDatabase } from './postgres.ts';

// Moderators' commands through the real discord.js client on the sandbox, the gateway's own
// interaction handler, the enforcer's handlers and the log-writer's chain, over the real bus
// and database, all in this process (spawning the services is the e2e test's job). One guild,
// "Tea Room", with a "Senior" role above the bot's and "Helpers" (Administrator) below it.

export interface ModerationDesk {
  readonly sandbox: Sandbox;
  readonly database: Awaited<ReturnType<typeof migratedDatabase>>;
  readonly bus: EventBus;
  readonly guildId: string;
  /** The two extra roles and a member holding each. */
  readonly ids: { senior: string; helpers: string; senior_member: string; helper_member: string };
  /** What the gateway's handler or the configuration feed threw; a test expects none. */
  readonly failures: unknown[];
  stop(): Promise<void>;
}

/** Starts the sandbox, the gateway's client and the enforcer's and log-writer's consumers. */
export async function startModerationDesk(): Promise<ModerationDesk> {
  const consumers: Consumption[] = [];
  const failures: unknown[] = [];
  const ids = {
    senior: '1200000000000000031',
    helpers: '1200000000000000032',
    senior_member: '',
    helper_member: '',
  };

  const sandbox = await startSandbox({
    guilds: [{ members: 16, name: 'Tea Room' }],
    seed: 77,
    interactionResponseWindowMs: 10_000,
  });
  const guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  const state = sandbox.state.guilds[guildId];
  const everyone = state?.roles[guildId];
  const admin = state?.roles[view.roles.admin ?? ''];
  if (!state || !everyone || !admin) throw new Error('no guild');
  // A "Senior" role above the bot's (the Admin role moves up), and "Helpers" with Administrator below it.
  admin.position = 4;
  state.roles[ids.senior] = { ...everyone, id: ids.senior, name: 'Senior', position: 3, permissions: '0' };
  state.roles[ids.helpers] = {
    ...everyone,
    id: ids.helpers,
    name: 'Helpers',
    position: 1,
    permissions: (1n << 3n).toString(),
  };
  ids.senior_member = view.memberIds[10] ?? '';
  ids.helper_member = view.memberIds[11] ?? '';
  state.members[ids.senior_member]?.roles.push(ids.senior);
  state.members[ids.helper_member]?.roles.push(ids.helpers);

  const database = await migratedDatabase();
  const factory = busFactory(uniqueNamespace(), topology);
  const bus = await factory.open('gateway');
  await bus.provision();
  const config = {
    ...defaultGuildConfig(),
    moderation: { ...defaultGuildConfig().moderation, appealChannelId: view.channels.alerts ?? '' },
  };
  await bus.publish('config.changed', {
    guildId,
    config,
    revision: 1,
    changedBy: view.adminId ?? '',
    changedAt: Date.now(),
  });
  const cache = await GuildConfigCache.start(await factory.open('cache'), (err) => failures.push(err));
  await waitFor(() => cache.get(guildId).moderation.appealChannelId !== null, 'the configuration');

  const rest = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  const client = createDiscordClient({ api: sandbox.api, shards: 'auto', shardCount: 'auto' });
  const gatewayDeps = {
    db: database.db,
    bus,
    configs: cache,
    discord: rest,
    moderation: { members: discordMemberLookup(client), discord: rest },
    guildName: (id: string) => client.guilds.cache.get(id)?.name ?? 'the server',
    now: Date.now,
  };
  client.on(Events.InteractionCreate, (interaction) => {
    answerInteraction(interaction, gatewayDeps, (err) => failures.push(err)).catch((err: unknown) =>
      failures.push(err),
    );
  });
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
  await client.guilds.cache.get(guildId)?.commands.set(commandBodies());

  const enforcerBus = await factory.open('enforcer');
  const enforcer = {
    db: database.db,
    discord: rest,
    guildNames: new GuildNames(rest),
    config: (id: string) => cache.get(id),
    audit: async (entry: Parameters<typeof recordAudit>[1]) => {
      await enforcerBus.publish('audit.recorded', entry);
    },
    now: Date.now,
  };
  const spec = (name: string) =>
    topology.consumers.find((c) => c.durable === name) ?? ({ durable: name } as never);
  consumers.push(
    await consume(enforcerBus, spec('enforcer'), {
      'moderation.requested': async (r) => {
        await moderate(enforcer, r);
      },
      'case.reason_edited': (e) => editCaseReason(enforcer, e),
      'appeal.submitted': async (a) => {
        await submitAppeal(enforcer, a);
      },
      'appeal.decided': async (d) => {
        await decideAppeal(enforcer, d);
      },
    }),
    await consume(await factory.open('log-writer'), spec('log-writer'), {
      'audit.recorded': (e) => recordAudit(database.db, e, null),
    }),
  );
  return {
    sandbox,
    database,
    bus,
    guildId,
    ids,
    failures,
    async stop() {
      for (const c of consumers) await c.stop();
      await client.destroy();
      await cache.stop();
      await factory.cleanup();
      await database.close();
      await sandbox.close();
    },
  };
}

/** The tests' helpers, reading the desk when called (it is started in `beforeAll`). */
export function deskHelpers(current: () => ModerationDesk) {
  const view = () => current().sandbox.inspect.guild(current().guildId);
  const member = (i: number) => view().memberIds[i] ?? '';

  /** Someone runs a command; resolves with the gateway's reply and, when one comes, the enforcer's follow-up. */
  async function run(
    userId: string,
    name: string,
    options: Record<string, string | number | boolean> = {},
    subcommand?: string,
  ): Promise<{ reply: string; followUp: () => string | undefined; interaction: SandboxInteraction }> {
    const interaction = current().sandbox.interactions.runSlashCommand({
      guildId: current().guildId,
      channelId: view().channels.general ?? '',
      userId,
      name,
      options,
      ...(subcommand ? { subcommand } : {}),
    });
    const edited = () =>
      current()
        .sandbox.inspect.actions({ kind: 'message.edited', guildId: current().guildId })
        .find((a) => a.data.interactionId === interaction.id);
    await waitFor(
      () => edited() !== undefined || current().failures.length > 0,
      `the reply to /${name}`,
      20_000,
    );
    expect(current().failures).toEqual([]);
    const followUp = () =>
      current()
        .sandbox.inspect.actions({ kind: 'interaction.followUp' })
        .find((a) => a.data.interactionId === interaction.id)?.data.content as string | undefined;
    return { reply: String(edited()?.data.content), followUp, interaction };
  }

  async function done(result: Awaited<ReturnType<typeof run>>): Promise<string> {
    await waitFor(() => result.followUp() !== undefined, 'the case number', 20_000);
    return result.followUp() ?? '';
  }

  const dmsTo = (userId: string) =>
    Object.values(current().sandbox.state.dmChannels)
      .filter((c) => c.userId === userId)
      .flatMap((c) => c.messages.map((m) => ({ ...m, channelId: c.id })));
  const caseOf = (n: number) => {
    const { database, guildId } = current();
    return database.db
      .selectFrom('moderation_case')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('number', '=', n)
      .executeTakeFirst();
  };
  const chain = (key: string) => {
    const { database, guildId } = current();
    return database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  };
  return { view, member, run, done, dmsTo, caseOf, chain };
}

/** The desk of the test file that calls `useModerationDesk()`, set in its `beforeAll` (a live binding). */
export let desk: ModerationDesk;

/** Starts a desk for the test file and gives the file its helpers. */
export function useModerationDesk() {
  beforeAll(async () => {
    desk = await startModerationDesk();
  }, 90_000);
  afterAll(() => desk?.stop());
  return deskHelpers(() => desk);
}
