import { createDiscordRest } from '@chat-guard/discord';
import {
  type AppealDeps,
  type AuditPayload,
  GuildNames,
  type ModerationDeps,
  type ModerationRequest,
} from '@chat-guard/enforcer';
import { defaultGuildConfig, type GuildConfig, type ModerationSettings } from '@chat-guard/events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterEach, beforeEach } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

export let database: Awaited<ReturnType<typeof migratedDatabase>>;
export let sandbox: Sandbox;
export let guildId: string;

/** A fresh sandbox guild and database for each test of the file that calls it. */
export function moderationTestSetUp(): void {
  beforeEach(async () => {
    database = await migratedDatabase();
    sandbox = await startSandbox({ guilds: [{ members: 12, name: 'Tea Room' }], seed: 515 });
    guildId = sandbox.guilds[0] ?? '';
  });
  afterEach(async () => {
    await sandbox.close();
    await database.close();
  });
}

export const view = () => sandbox.inspect.guild(guildId);

/** The enforcer's moderation and appeal deps over the sandbox's real REST API, recording audits. */
export function harness(moderation: Partial<ModerationSettings> = {}, config: Partial<GuildConfig> = {}) {
  const audits: AuditPayload[] = [];
  const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  const settings: GuildConfig = {
    ...defaultGuildConfig(),
    ...config,
    moderation: { ...defaultGuildConfig().moderation, ...moderation },
  };
  const deps: ModerationDeps & AppealDeps = {
    db: database.db,
    discord,
    guildNames: new GuildNames(discord),
    config: () => settings,
    audit: async (entry) => {
      audits.push(entry);
    },
    now: Date.now,
  };
  return { deps, audits, settings };
}

let requestSeq = 1_400_000_000_000_000_000n;
/** A moderator's request as the gateway publishes it (the moderator is the seeded one). */
export function moderation<A extends ModerationRequest['action']>(
  action: A,
  fields: Omit<
    Extract<ModerationRequest, { action: A }>,
    'action' | 'guildId' | 'moderatorId' | 'requestId' | 'requestedAt' | 'reply'
  > &
    Partial<Pick<ModerationRequest, 'moderatorId' | 'reply'>>,
): Extract<ModerationRequest, { action: A }> {
  requestSeq += 1n;
  return {
    guildId,
    moderatorId: view().moderatorId ?? '',
    requestId: requestSeq.toString(),
    requestedAt: Date.now(),
    reply: null,
    action,
    ...fields,
  } as Extract<ModerationRequest, { action: A }>;
}

/** What the bot sent a user by DM, oldest first. */
export function dmsTo(userId: string) {
  return Object.values(sandbox.state.dmChannels)
    .filter((c) => c.userId === userId)
    .flatMap((c) => c.messages.map((m) => ({ ...m, channelId: c.id })));
}

export const cases = () => database.db.selectFrom('moderation_case').selectAll().orderBy('number').execute();
