import { topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { afterEach, beforeEach } from 'vitest';
import {
  type CommandDeps,
  type CommandRequest,
  runCommand,
} from '../../services/gateway/src/commands/runCommand.ts';
import { busFactory, uniqueNamespace } from './bus.ts';
import { migratedDatabase } from './postgres.ts';

// Slash commands run through the gateway's own `runCommand`, against a fresh database, bus
// namespace and live configuration cache for every test.

// The current test's parts, set in its `beforeEach` (live bindings: importers see them once set).
export let database: Awaited<ReturnType<typeof migratedDatabase>>;
export let factory: ReturnType<typeof busFactory>;
export let cache: GuildConfigCache;

export interface CommandDeskOptions {
  readonly guildId: string;
  /** Who runs the commands, with the guild permissions they hold. */
  readonly userId: string;
  readonly memberPermissions: bigint;
  readonly now: number;
  /** Why a Discord call is not expected of these commands (the error it throws). */
  readonly noDiscordBecause: string;
  /** The guild's channels, for commands that check a channel option against them. */
  readonly channels?: CommandDeps['discord']['listChannels'];
}

/** Sets up every test of the file and gives it `run(name, options, extra)`. */
export function useCommandDesk(options: CommandDeskOptions) {
  let interaction = BigInt(options.now) * 1_000_000n;
  beforeEach(async () => {
    database = await migratedDatabase();
    factory = busFactory(uniqueNamespace(), topology);
    await (await factory.open()).provision();
    cache = await GuildConfigCache.start(await factory.open('cache'), (err) => {
      throw err;
    });
  });
  afterEach(async () => {
    await cache.stop();
    await factory.cleanup();
    await database.close();
  });
  const unused = async (): Promise<never> => {
    throw new Error(options.noDiscordBecause);
  };
  return {
    /** Runs a command as the desk's user; `extra` overrides any field of the request. */
    async run(
      name: string,
      commandOptions: CommandRequest['options'] = {},
      extra: Partial<CommandRequest> = {},
    ) {
      interaction += 1n;
      const deps: CommandDeps = {
        db: database.db,
        bus: await factory.open('gateway'),
        configs: cache,
        discord: { createInvite: unused, deleteInvite: unused, listChannels: options.channels ?? unused },
        now: () => options.now,
      };
      return runCommand(deps, {
        guildId: options.guildId,
        interactionId: interaction.toString(),
        name,
        subcommand: null,
        options: commandOptions,
        userId: options.userId,
        memberPermissions: options.memberPermissions,
        ...extra,
      });
    },
  };
}
