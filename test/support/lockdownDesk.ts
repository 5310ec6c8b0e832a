import { once } from 'node:events';
import type { EventBus } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { type EventPayload, topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { type Sandbox, type SandboxInteraction, startSandbox } from '@chat-guard/sandbox';
import { Events } from 'discord.js';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { commandBodies } from '../../services/gateway/src/commands/definitions.ts';
import { createDiscordClient } from '../../services/gateway/src/discordClient.ts';
import { answerInteraction } from '../../services/gateway/src/handleInteraction.ts';
import { alertButtons } from '../../services/log-writer/src/lockdownAlertMessage.ts';
import { busFactory, uniqueNamespace, waitFor } from './bus.ts';
import { insertLockdown } from './lockdowns.ts';
import { migratedDatabase } from './postgres.ts';

// The gateway's answers to lockdown and gate buttons and to /lockdown, through the real
// discord.js client on the sandbox, with the real bus and database, in this process. One client
// for a test file: logging in is slow.

/** When the lockdown every test starts from began. */
export const STARTED_AT = Date.UTC(2026, 10, 23, 12);

export interface LockdownDesk {
  readonly sandbox: Sandbox;
  readonly database: Awaited<ReturnType<typeof migratedDatabase>>;
  readonly bus: EventBus;
  readonly cache: GuildConfigCache;
  readonly guildId: string;
  readonly view: ReturnType<Sandbox['inspect']['guild']>;
  /** The lockdown in force at the start of every test (`reset`). */
  readonly lockdownId: string;
  /** What the gateway's handler or the configuration feed threw; a test expects none. */
  readonly failures: unknown[];
  /** The gateway's clock; a test that needs another moment moves it (`reset` puts it back). */
  readonly clock: { nowMs: number };
  /** Before each test: the clock back, no lockdown but one active since STARTED_AT, nothing published. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLockdownDesk(): Promise<LockdownDesk> {
  const failures: unknown[] = [];
  const clock = { nowMs: STARTED_AT + 60_000 };
  const sandbox = await startSandbox({ guilds: 1, seed: 23 });
  const database = await migratedDatabase();
  const guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  const factory = busFactory(uniqueNamespace(), topology);
  const bus = await factory.open('gateway');
  await bus.provision();
  const cache = await GuildConfigCache.start(await factory.open('cache'), (err) => failures.push(err));
  const client = createDiscordClient({ api: sandbox.api, shards: 'auto', shardCount: 'auto' });
  const deps = {
    db: database.db,
    bus,
    configs: cache,
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    now: () => clock.nowMs,
  };
  client.on(Events.InteractionCreate, (interaction) => {
    answerInteraction(interaction, deps, (err) => failures.push(err)).catch((err: unknown) =>
      failures.push(err),
    );
  });
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
  await client.guilds.cache.get(guildId)?.commands.set(commandBodies());
  return {
    sandbox,
    database,
    bus,
    cache,
    guildId,
    view,
    lockdownId: `${guildId}-${STARTED_AT}`,
    failures,
    clock,
    async reset() {
      clock.nowMs = STARTED_AT + 60_000;
      await database.db.deleteFrom('lockdown').execute();
      await bus.jsm.streams.purge(bus.ns.stream('VERDICTS'));
      await insertLockdown(database.db, {
        guildId,
        startedAt: STARTED_AT,
        quarantined: ['1300000000000000901', '1300000000000000902'],
      });
    },
    async stop() {
      await client.destroy();
      await cache.stop();
      await factory.cleanup();
      await database.close();
      await sandbox.close();
    },
  };
}

/** The tests' helpers, reading the desk when called (it is started in `beforeAll`). */
export function lockdownHelpers(current: () => LockdownDesk) {
  /** Everything published to the enforcer, oldest first. */
  async function verdicts(): Promise<Record<string, unknown>[]> {
    const { bus } = current();
    const stream = bus.ns.stream('VERDICTS');
    const { state } = await bus.jsm.streams.info(stream);
    const found: Record<string, unknown>[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await bus.jsm.streams.getMessage(stream, { seq });
      if (message) found.push(message.json());
    }
    return found;
  }

  /** The answers published to the enforcer, oldest first. */
  async function answers(): Promise<EventPayload<'lockdown.answered'>[]> {
    return (await verdicts()).filter((e) => 'answer' in e) as EventPayload<'lockdown.answered'>[];
  }

  /** The ephemeral reply to an interaction, once the gateway has edited it in. */
  async function replyTo(interaction: SandboxInteraction): Promise<string> {
    const { sandbox, guildId, failures } = current();
    const reply = () =>
      sandbox.inspect
        .actions({ kind: 'message.edited', guildId })
        .find((a) => a.data.interactionId === interaction.id);
    await waitFor(() => reply() !== undefined || failures.length > 0, 'the reply');
    expect(failures).toEqual([]);
    return String(reply()?.data.content);
  }

  async function click(userId: string, customId: string): Promise<[SandboxInteraction, string]> {
    const { sandbox, view, lockdownId } = current();
    const channelId = view.channels.alerts ?? '';
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    const alert = await discord.sendMessage(channelId, {
      content: 'alert',
      components: alertButtons(lockdownId, 'active'),
    });
    const interaction = sandbox.interactions.clickButton({
      channelId,
      userId,
      messageId: alert.id,
      customId,
    });
    return [interaction, await replyTo(interaction)];
  }

  async function slash(
    subcommand: string,
    options: Record<string, string> = {},
    userId = current().view.adminId,
  ) {
    const { sandbox, guildId, view } = current();
    const interaction = sandbox.interactions.runSlashCommand({
      guildId,
      channelId: view.channels.general ?? '',
      userId: userId ?? '',
      name: 'lockdown',
      subcommand,
      options,
    });
    return [interaction, await replyTo(interaction)] as const;
  }
  return { verdicts, answers, replyTo, click, slash };
}

// The desk of the test file that calls `useLockdownDesk()`, and its parts, set in its
// `beforeAll` (live bindings: importers see them once set).
export let desk: LockdownDesk;
export let sandbox: Sandbox;
export let database: LockdownDesk['database'];
export let bus: EventBus;
export let cache: GuildConfigCache;
export let guildId: string;
export let view: LockdownDesk['view'];
export let lockdownId: string;

/** Starts a desk for the test file, resets it before each test, and gives the file its helpers. */
export function useLockdownDesk() {
  beforeAll(async () => {
    desk = await startLockdownDesk();
    ({ sandbox, database, bus, cache, guildId, view, lockdownId } = desk);
  });
  afterAll(() => desk?.stop());
  beforeEach(() => desk.reset());
  return lockdownHelpers(() => desk);
}
