import { createDiscordRest } from '@chat-guard/discord';
import type {
  AuditPayload,
  LockdownAlert,
  LockdownAnswered,
  LockdownDeps,
  LockdownRequest,
} from '@chat-guard/enforcer';
import { defaultGuildConfig, type EventPayload, type LockdownSettings } from '@chat-guard/events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { connectRedis, redisKeys } from '@chat-guard/store';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

type LockdownLift = EventPayload<'lockdown.lifted'>;

export const SEND = PermissionFlagsBits.SendMessages;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const redis = connectRedis(
  process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  'enforcer-lockdown-test',
);

export let database: Awaited<ReturnType<typeof migratedDatabase>>;
export let sandbox: Sandbox;
export let guildId: string;
/** The sandbox and the enforcer share one clock, which a test can move on. */
export const clock = { offset: 0 };
export const now = () => Date.now() + clock.offset;

/** A fresh sandbox guild, database and clock for each test of the file that calls it. */
export function lockdownTestSetUp(): void {
  afterAll(() => redis.quit());
  beforeEach(async () => {
    clock.offset = 0;
    database = await migratedDatabase();
    sandbox = await startSandbox({ guilds: 1, seed: 6_021, now });
    guildId = sandbox.guilds[0] ?? '';
    await redis.del(redisKeys.lockdownState(guildId));
  });
  afterEach(async () => {
    await redis.del(redisKeys.lockdownState(guildId));
    await sandbox.close();
    await database.close();
  });
}

export function harness(change: Partial<LockdownSettings> = {}) {
  const audits: AuditPayload[] = [];
  const alerts: LockdownAlert[] = [];
  const lockdown = { ...defaultGuildConfig().lockdown, ...change };
  const deps: LockdownDeps = {
    db: database.db,
    redis,
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    config: () => ({ ...defaultGuildConfig(), lockdown }),
    audit: async (entry) => {
      audits.push(entry);
    },
    alert: async (alert) => {
      alerts.push(alert);
    },
    now,
  };
  return { deps, audits, alerts };
}

export const view = () => sandbox.inspect.guild(guildId);
export const guild = () => sandbox.core.guild(guildId);
export const publicChannels = () => ['general', 'chat', 'media'].map((n) => view().channels[n] ?? '');

export function request(score = 0.95): LockdownRequest {
  const at = now();
  return {
    guildId,
    lockdownId: `${guildId}-${at}`,
    score,
    threshold: 0.8,
    reasons: ['40 joins in a minute', '90% through one invite'],
    features: { joinRate: 0.9 },
    featureVersion: 1,
    joinsLastMinute: 40,
    topInvite: { code: 'raid', share: 0.9 },
    raidWindowStart: at - 2 * MINUTE,
    suspectIds: view().memberIds.slice(0, 3),
    requestedAt: at,
  };
}

/** The detector's lift after the quiet period, decided now. */
export function detectorLift(lockdownId: string): LockdownLift {
  return {
    guildId,
    lockdownId,
    score: 0.1,
    reasons: ['quiet for 120 s'],
    liftedBy: 'detector',
    release: false,
    liftedAt: now(),
  };
}

let requestSeq = 1_400_000_000_000_000_000n;
export function answer(lockdownId: string, kind: LockdownAnswered['answer']): LockdownAnswered {
  requestSeq += 1n;
  return {
    guildId,
    lockdownId,
    answer: kind,
    moderatorId: view().adminId ?? '',
    requestId: requestSeq.toString(),
    answeredAt: now(),
  };
}

/** What an admin sees of the settings a lockdown touches, straight from the sandbox. */
export function settings() {
  const g = guild();
  return {
    verificationLevel: g.verificationLevel,
    incidents: g.incidentsData ? { ...g.incidentsData } : null,
    channels: Object.values(g.channels).map((c) => ({
      name: c.name,
      slowmode: c.rateLimitPerUser,
      everyone: c.permissionOverwrites.find((o) => o.id === guildId) ?? null,
    })),
  };
}

export const timedOut = (userId: string) => guild().members[userId]?.communicationDisabledUntil ?? null;
export const rowOf = (id: string) =>
  database.db.selectFrom('lockdown').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
