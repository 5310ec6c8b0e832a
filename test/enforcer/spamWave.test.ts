import { consume } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import {
  type AuditPayload,
  enforceVerdict,
  type FollowUpDeps,
  followUpVerdict,
  MessageDeletions,
  type VerdictDeps,
  ViolationBatches,
} from '@chat-guard/enforcer';
import { type ConsumerSpec, topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { AuditBatches, verifyGuildChain } from '@chat-guard/log-writer';
import { type BotAction, UserActionRejectedError } from '@chat-guard/sandbox';
import type { Database } from '@chat-guard/store';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

// A spam wave through the real gateway and content-filter (child processes), with the enforcer's
// and log-writer's handlers run here on the same NATS, PostgreSQL and sandbox, so that every SQL
// statement they send is counted.
const SPAMMERS = 30;
const PER_SPAMMER = 14;
const CLEAN = 40;

let system: System;
let guildId: string;
let channels: string[];
let statements = 0;
const violations: { id: string; userId: string }[] = [];
const clean: string[] = [];
const stops: (() => Promise<void>)[] = [];

function spec(durable: string): ConsumerSpec {
  const found = topology.consumers.find((c) => c.durable === durable);
  if (!found) throw new Error(`no consumer ${durable}`);
  return found;
}

const actions = (kind: BotAction['kind']) => system.sandbox.inspect.actions({ kind, guildId });
const deletions = () => [...actions('message.deleted'), ...actions('messages.bulkDeleted')];
const deletedIds = () => deletions().flatMap((a) => a.messageIds ?? []);

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: SPAMMERS + CLEAN + 5 }], seed: 21 } });
  await Promise.all([system.start('gateway'), system.start('content-filter')]);
  guildId = system.sandbox.guilds[0] ?? '';
  const guild = system.sandbox.inspect.guild(guildId);
  channels = [guild.channels.general ?? '', ...Object.values(guild.channels)].filter(
    (id, i, all) => id && all.indexOf(id) === i,
  );
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);

  // Every statement the enforcer and the log-writer send goes through this counting client.
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: system.database.postgres.pool }),
    log: (event) => {
      if (event.level === 'query') statements++;
    },
  });
  const configs = await GuildConfigCache.start(system.bus, (err) => {
    throw err;
  });
  stops.push(async () => configs.stop());
  const discord = createDiscordRest({ api: system.sandbox.api, token: system.sandbox.token });
  const deps: VerdictDeps = {
    deletions: new MessageDeletions({ db, discord, now: Date.now }),
    followUp: async (followUp) => {
      await system.bus.publish('verdict.enforced', followUp);
    },
  };
  const followUpDeps: FollowUpDeps = {
    db,
    discord,
    config: (id) => configs.get(id),
    audit: async (entry: AuditPayload) => {
      await system.bus.publish('audit.recorded', entry);
    },
    now: Date.now,
    violations: new ViolationBatches(db),
  };
  const batches = new AuditBatches(db);
  const enforcer = await consume(
    system.bus,
    spec('enforcer'),
    { 'verdict.violation': (verdict) => enforceVerdict(deps, verdict) },
    { concurrency: 256 },
  );
  const followUps = await consume(
    system.bus,
    spec('enforcer-followups'),
    { 'verdict.enforced': (followUp) => followUpVerdict(followUpDeps, followUp) },
    { concurrency: 256 },
  );
  const logWriter = await consume(
    system.bus,
    spec('log-writer'),
    { 'audit.recorded': (event) => batches.record(event, null) },
    { concurrency: 256 },
  );
  stops.push(
    () => enforcer.stop(),
    () => followUps.stop(),
    () => logWriter.stop(),
  );

  // The wave: each spammer posts invite links into two channels as fast as the sandbox takes
  // them (until their timeout stops them, as Discord would), while others chat in between.
  const spammers = guild.memberIds.slice(0, SPAMMERS);
  const chatters = guild.memberIds.slice(SPAMMERS, SPAMMERS + CLEAN);
  for (let round = 0; round < PER_SPAMMER; round++) {
    for (const [i, userId] of spammers.entries()) {
      const channelId = channels[(i + round) % Math.min(2, channels.length)] ?? '';
      const content = `join now discord.gg/wave${i}x${round} best server`;
      try {
        const message = system.sandbox.users.postMessage({ channelId, userId, content });
        violations.push({ id: message.id, userId });
      } catch (err) {
        if (!(err instanceof UserActionRejectedError)) throw err;
      }
    }
    const chatter = chatters[round % chatters.length] ?? '';
    const calm = system.sandbox.users.postMessage({
      channelId: channels[0] ?? '',
      userId: chatter,
      content: `round ${round}: has anyone tried the new ${['tea', 'coffee', 'cake'][round % 3]} place?`,
    });
    clean.push(calm.id);
    await new Promise((r) => setTimeout(r, 20));
  }
  await waitFor(
    () => {
      const gone = new Set(deletedIds());
      return violations.every((v) => gone.has(v.id));
    },
    'every violating message deleted',
    90_000,
  );
  // The warnings, timeouts and audits follow (warnings wait on each channel's send limit):
  // the three consumers end with nothing pending and nothing unacknowledged.
  const drained = async (durable: string) => {
    const info = await system.bus.jsm.consumers.info(system.bus.ns.stream(spec(durable).stream), durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };
  await waitFor(
    async () =>
      (await drained('enforcer')) && (await drained('enforcer-followups')) && (await drained('log-writer')),
    'all drained',
    120_000,
  );
  await new Promise((r) => setTimeout(r, 1_500)); // room for anything doubled to show up
}, 240_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  await system?.stop();
});

/** Each spammer with the number of violating messages they got in before their timeout. */
function perSpammer(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of violations) counts.set(v.userId, (counts.get(v.userId) ?? 0) + 1);
  return counts;
}

describe('a spam wave of up to 420 messages from 30 accounts', () => {
  it('deletes every violating message exactly once, mostly in bulk, and nothing else', () => {
    const ids = deletedIds();
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(violations.map((v) => v.id)));
    expect(clean.filter((id) => ids.includes(id))).toEqual([]);
    const bulk = actions('messages.bulkDeleted');
    expect(bulk.length).toBeGreaterThan(0);
    const inBulk = bulk.reduce((n, a) => n + (a.messageIds?.length ?? 0), 0);
    expect(inBulk).toBeGreaterThan(violations.length / 2);
  });

  it('warns each member once and times each out once, however many messages they sent', () => {
    const counts = perSpammer();
    expect(counts.size).toBe(SPAMMERS);
    expect([...counts.values()].filter((n) => n >= 3).length).toBeGreaterThan(SPAMMERS / 2);
    const warnings = actions('message.sent').map((a) => String(a.data.content));
    const timeouts = actions('member.timedOut');
    const heard = [...counts].map(([u]) => [
      warnings.filter((w) => w.startsWith(`<@${u}>`)).length,
      timeouts.filter((t) => t.userId === u).length,
    ]);
    expect(heard).toEqual([...counts].map(([, n]) => [1, n >= 3 ? 1 : 0]));
  });

  it('audits every deletion once, with the folded notices said so, and the chain verifies', async () => {
    const rows = await system.database.db
      .selectFrom('audit_log')
      .select(['action', 'details', 'idempotency_key'])
      .where('guild_id', '=', guildId)
      .execute();
    const deletes = rows.filter((r) => r.action === 'message.delete');
    expect(deletes).toHaveLength(violations.length);
    const timedOut = [...perSpammer().values()].filter((n) => n >= 3).length;
    const folded = deletes.filter((r) => (r.details as Record<string, unknown>).notice === 'folded');
    expect(folded).toHaveLength(violations.length - SPAMMERS - timedOut);
    expect(rows.filter((r) => r.action === 'member.warn')).toHaveLength(SPAMMERS);
    expect(rows.filter((r) => r.action === 'member.timeout')).toHaveLength(timedOut);
    expect(await verifyGuildChain(system.database.db, guildId)).toMatchObject({ problem: undefined });
  });

  it('makes few REST calls and SQL statements per violation', () => {
    const rest = deletions().length + actions('message.sent').length + actions('member.timedOut').length;
    const restPerViolation = rest / violations.length;
    const statementsPerViolation = statements / violations.length;
    console.info(
      JSON.stringify({
        violations: violations.length,
        restCalls: rest,
        restPerViolation: Number(restPerViolation.toFixed(3)),
        statements,
        statementsPerViolation: Number(statementsPerViolation.toFixed(2)),
      }),
    );
    expect(restPerViolation).toBeLessThanOrEqual(0.5);
    expect(statementsPerViolation).toBeLessThan(10);
  });
});
