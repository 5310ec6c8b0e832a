import { createHash } from 'node:crypto';
import { DiscordRefusedError, DiscordUnavailableError } from '@chat-guard/discord';
import {
  type AuditPayload,
  type EnforcerDeps,
  enforceVerdict,
  type FollowUpDeps,
  followUpVerdict,
  liftTimeout,
  MessageDeletions,
  type Verdict,
  type VerdictDeps,
  ViolationBatches,
} from '@chat-guard/enforcer';
import { defaultGuildConfig } from '@chat-guard/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

const GUILD = '1100000000000000001';
const MEMBER = '1300000000000000042';
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

/** Records what the enforcer asked of Discord; `fail` makes the next calls of a kind fail. */
function recordingDiscord() {
  const calls: { kind: string; args: unknown[] }[] = [];
  const failures = new Map<string, Error[]>();
  const act = async (kind: string, args: unknown[]) => {
    const queued = failures.get(kind)?.shift();
    if (queued) throw queued;
    calls.push({ kind, args });
  };
  const port: EnforcerDeps['discord'] = {
    deleteMessage: (...args) => act('delete', args),
    bulkDeleteMessages: (...args) => act('bulk', args),
    timeoutMember: (...args) => act('timeout', args),
    liftTimeout: (...args) => act('lift', args),
    sendMessage: async (...args) => {
      await act('send', args);
      return { id: String(calls.length) };
    },
  };
  return { port, calls, fail: (kind: string, ...errors: Error[]) => failures.set(kind, errors) };
}

let messageSeq = 1_300_000_000_000_000_000n;
function verdict(at: number): Verdict {
  messageSeq += 1n;
  return {
    guildId: GUILD,
    channelId: '1100000000000000100',
    messageId: messageSeq.toString(),
    userId: MEMBER,
    violations: [{ type: 'invite', detail: 'discord.gg/raid' }],
    contentHash: createHash('sha256').update(`m${messageSeq}`).digest('hex'),
    revision: 0,
    detectedAt: at,
  };
}

/** The enforcer's deps with its follow-ups carried out in process, as soon as they are handed on. */
function deps(
  discord: EnforcerDeps['discord'],
  audits: AuditPayload[],
  muteDurationMinute = 10,
): VerdictDeps & FollowUpDeps {
  const now = () => 1_732_000_000_000;
  const followUps: FollowUpDeps = {
    db: database.db,
    discord,
    config: () => ({ ...defaultGuildConfig(), muteDurationMinute }),
    audit: async (entry) => {
      audits.push(entry);
    },
    now,
    violations: new ViolationBatches(database.db),
  };
  return {
    ...followUps,
    deletions: new MessageDeletions({ db: database.db, discord, now }),
    followUp: (followUp) => followUpVerdict(followUps, followUp),
  };
}

describe('the enforcer', () => {
  it('deletes and warns twice, then times the member out for the configured minutes', async () => {
    const discord = recordingDiscord();
    const audits: AuditPayload[] = [];
    const t0 = 1_732_000_000_000;
    for (let i = 0; i < 3; i++) await enforceVerdict(deps(discord.port, audits, 7), verdict(t0 + i * 60_000));
    expect(discord.calls.map((c) => c.kind)).toEqual([
      'delete',
      'send',
      'delete',
      'send',
      'delete',
      'timeout',
    ]);
    const timeout = discord.calls[5]?.args;
    expect(timeout?.[2]).toBe(t0 + 2 * 60_000 + 7 * 60_000);
    expect(audits.map((a) => a.action)).toEqual([
      'message.delete',
      'member.warn',
      'message.delete',
      'member.warn',
      'message.delete',
      'member.timeout',
    ]);
    expect(JSON.stringify(audits)).not.toContain('discord.gg/raid');
  });

  it('acts once for a verdict delivered twice, even by a restarted enforcer', async () => {
    const discord = recordingDiscord();
    const audits: AuditPayload[] = [];
    const v = verdict(1_732_000_000_000);
    await enforceVerdict(deps(discord.port, audits), v);
    await enforceVerdict(deps(discord.port, audits), v);
    expect(discord.calls.map((c) => c.kind)).toEqual(['delete', 'send']);
    // The audit events repeat with the same idempotency keys; the log records each once.
    expect(new Set(audits.map((a) => a.idempotencyKey)).size).toBe(2);
  });

  it('records a refused action in the audit log and does not retry it', async () => {
    const discord = recordingDiscord();
    const audits: AuditPayload[] = [];
    discord.fail(
      'delete',
      new DiscordRefusedError(403, 50013, 'delete message: Missing Permissions (403, code 50013)'),
    );
    const v = verdict(1_732_000_000_000);
    await enforceVerdict(deps(discord.port, audits), v);
    await enforceVerdict(deps(discord.port, audits), v);
    expect(discord.calls.map((c) => c.kind)).toEqual(['send']);
    expect(audits[0]).toMatchObject({
      action: 'action.failed',
      reason: expect.stringContaining('Missing Permissions'),
    });
  });

  it('retries an action Discord could not take, without doubling the ones already done', async () => {
    const discord = recordingDiscord();
    const audits: AuditPayload[] = [];
    discord.fail('send', new DiscordUnavailableError('send: Discord answered 502'));
    const v = verdict(1_732_000_000_000);
    await expect(enforceVerdict(deps(discord.port, audits), v)).rejects.toThrow(/502/);
    // The deletion is audited even though the warning has to wait for the retry.
    expect(audits.map((a) => a.action)).toEqual(['message.delete']);
    await enforceVerdict(deps(discord.port, audits), v);
    expect(discord.calls.map((c) => c.kind)).toEqual(['delete', 'send']);
    expect(audits.map((a) => a.action)).toEqual(['message.delete', 'message.delete', 'member.warn']);
  });

  it('hands on a violation’s audit entries together, once the member is told, each timed by its step', async () => {
    const discord = recordingDiscord();
    const published: { action: string; at: number; callsMade: number }[] = [];
    let clock = 1_732_000_000_000;
    const base = deps(discord.port, []);
    const followUps: FollowUpDeps = {
      ...base,
      now: () => clock,
      audit: async (entry) => {
        published.push({ action: entry.action, at: entry.at, callsMade: discord.calls.length });
      },
      discord: {
        ...discord.port,
        sendMessage: async (...args) => {
          clock += 1_500; // the warning waited on the channel's send limit
          return discord.port.sendMessage(...args);
        },
      },
    };
    await enforceVerdict({ ...base, followUp: (f) => followUpVerdict(followUps, f) }, verdict(clock));
    // Both go out after the warning (so the log-writer appends them in one transaction), and
    // each keeps the time its own step ended.
    expect(published).toEqual([
      { action: 'message.delete', at: 1_732_000_000_000, callsMade: 2 },
      { action: 'member.warn', at: 1_732_000_001_500, callsMade: 2 },
    ]);
  });

  it("lifts a timeout once per /unmute, audited in the moderator's name", async () => {
    const discord = recordingDiscord();
    const audits: AuditPayload[] = [];
    const request = {
      guildId: GUILD,
      userId: MEMBER,
      moderatorId: '1300000000000000007',
      reason: 'appeal accepted',
      requestId: '1400000000000000001',
      requestedAt: 1_732_000_000_000,
    };
    await liftTimeout(deps(discord.port, audits), request);
    await liftTimeout(deps(discord.port, audits), request);
    expect(discord.calls.map((c) => [c.kind, c.args[1]])).toEqual([['lift', MEMBER]]);
    expect(audits[0]).toMatchObject({
      action: 'member.unmute',
      actorId: '1300000000000000007',
      reason: 'appeal accepted',
    });
  });
});
