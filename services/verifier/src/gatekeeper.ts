import type { EventBus } from '@chat-guard/bus';
import { isDiscordRefused } from '@chat-guard/discord';
import type { EntryFlag, EventPayload, GuildConfig } from '@chat-guard/events';
import { decideGating } from './decideGating.ts';
import { ensureGate, type GateObjects } from './ensureGate.ts';
import type { GateDiscord } from './gateDiscord.ts';
import { gateMetrics } from './gateMetrics.ts';
import type { GateRedis } from './gateRedis.ts';
import { type MemberKey, toKey, type Verification, type VerificationStore } from './verificationStore.ts';

export interface GateDeps {
  readonly discord: GateDiscord;
  readonly store: VerificationStore;
  readonly redis: GateRedis;
  readonly bus: EventBus;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
  readonly botUserId: string;
  /** A problem the guild's admins must hear of (a missing permission, a flagged account). */
  readonly tellAdmins: (guildId: string, message: string) => Promise<void>;
}

const ACTOR = 'chat-guard';

/** The gate's Discord objects of a guild, set up (or repaired) at most every 10 minutes per replica. */
const setupCache = new Map<string, { objects: GateObjects; at: number }>();
const SETUP_FRESH_MS = 10 * 60_000;

export async function gateObjects(deps: GateDeps, guildId: string): Promise<GateObjects> {
  const cached = setupCache.get(guildId);
  if (cached && deps.now() - cached.at < SETUP_FRESH_MS) return cached.objects;
  const objects = await ensureGate(deps.discord, deps.store, guildId, deps.botUserId);
  setupCache.set(guildId, { objects, at: deps.now() });
  return objects;
}

/** Forgets what was set up (after Discord said the role is gone, say). */
export function forgetGateObjects(guildId: string): void {
  setupCache.delete(guildId);
}

/** A newcomer: gated or admitted by the guild's gate settings; a redelivered join does it once. */
export async function admitNewcomer(
  deps: GateDeps,
  join: EventPayload<'member.joined'>,
): Promise<Verification | null> {
  if (join.bot) return null;
  const gate = deps.config(join.guildId).gate;
  const guild = await deps.store.guild(join.guildId);
  const raidGateId = guild?.gate_id ?? null;
  const decision = decideGating(gate, join, {
    raidGateActive: raidGateId !== null,
    seenInRaid: await deps.redis.seenInRaid(join.userId),
  });
  const key: MemberKey = { guildId: join.guildId, userId: join.userId, joinedAt: join.joinedAt };
  const existing = await deps.store.find(key);
  // The gate is set up before anything is recorded: if Discord refuses, nobody is left pending
  // (and later kicked) behind a gate that does not exist.
  const objects =
    existing?.status === 'pending' || (!existing && decision.gated)
      ? await gateObjects(deps, join.guildId)
      : null;
  const row =
    existing ??
    (await deps.store.recordVerification(key, {
      status: decision.gated ? 'pending' : 'admitted',
      reasons: decision.reasons,
      gateId: decision.gated && decision.reasons.includes('raid-gate') ? raidGateId : null,
      deadlineAt: decision.gated ? new Date(deps.now() + gate.timeoutMinutes * 60_000) : null,
    }));
  if (!existing) gateMetrics.joined.add(1, { guild_id: join.guildId });
  if (row.status !== 'pending' || !objects) return row;

  const { roleId } = objects;
  try {
    await deps.discord.addMemberRole(
      join.guildId,
      join.userId,
      roleId,
      'Chat Guard member gate: not verified yet',
    );
  } catch (err) {
    if (!isDiscordRefused(err) || err.status === 404) throw err;
    // Discord will not give the role (the bot's role sits below it, say): the member is let in,
    // not left pending to be kicked behind a gate they never saw, and the admins hear why.
    await deps.store.admitPending(key);
    await deps.tellAdmins(join.guildId, `Chat Guard could not gate <@${join.userId}>: ${err.message}`);
    return { ...row, status: 'admitted' };
  }
  if (row.gate_id) await deps.redis.markSeenInRaid(join.userId);
  const reasons = row.reasons as EntryFlag[];
  const ack = await deps.bus.publish('member.verification.started', {
    ...key,
    reasons,
    gateId: row.gate_id,
    deadlineAt: row.deadline_at?.getTime() ?? deps.now(),
    startedAt: row.created_at.getTime(),
  });
  if (!ack.duplicate) gateMetrics.gated.add(1, { guild_id: join.guildId });
  await audit(deps, key, 'verification.started', `gated: ${reasons.join(', ')}`, {
    reasons: reasons.join(','),
  });
  return row;
}

/** A gated member left before passing: the verification closes as `expired` (outcome `left`), quietly. */
export async function memberLeft(deps: GateDeps, left: EventPayload<'member.left'>): Promise<number> {
  return deps.store.closePendingOf(left.guildId, left.userId, new Date(left.leftAt));
}

/** A member passed: the Unverified role goes, the configured roles come, it is told and audited. */
export async function passMember(
  deps: GateDeps,
  row: Verification,
  via: 'web' | 'discord',
): Promise<boolean> {
  const key = toKey(row);
  const gate = deps.config(key.guildId).gate;
  const { roleId } = await gateObjects(deps, key.guildId);
  for (const passRole of gate.passRoleIds)
    await deps.discord.addMemberRole(key.guildId, key.userId, passRole, 'Chat Guard member gate: verified');
  await deps.discord.removeMemberRole(key.guildId, key.userId, roleId, 'Chat Guard member gate: verified');
  const now = deps.now();
  if (!(await deps.store.finish(key, 'passed', via, new Date(now)))) return false;
  const tookMs = Math.max(0, now - row.created_at.getTime());
  await deps.bus.publish('member.verification.passed', { ...key, tookMs, via, passedAt: now });
  gateMetrics.passed.add(1, { guild_id: key.guildId });
  gateMetrics.timeToPass.record(tookMs / 1000, { guild_id: key.guildId });
  await audit(deps, key, 'verification.passed', `passed the member gate (${via})`, { via, tookMs });
  return true;
}

/**
 * A member failed (out of attempts, or flagged) or ran out of time: the guild's failure action,
 * `kick` or `keep` (stays Unverified), then the outcome is recorded, published and audited.
 */
export async function failMember(
  deps: GateDeps,
  row: Verification,
  how: { readonly kind: 'failed' | 'expired'; readonly why: string },
): Promise<boolean> {
  const key = toKey(row);
  const action = deps.config(key.guildId).gate.failureAction;
  const now = deps.now();
  // Claimed before the kick: the kick's own member.left must not close it as a leave first.
  if (!(await deps.store.finish(key, how.kind, action, new Date(now)))) return false;
  await deps.redis.markSeenInRaid(key.userId);
  let kicked: boolean | null = null;
  if (action === 'kick') {
    kicked = await deps.discord
      .kickMember(key.guildId, key.userId, `Chat Guard member gate: ${how.why}`)
      .then(
        () => true,
        async (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          await deps.tellAdmins(
            key.guildId,
            `<@${key.userId}> failed the member gate but could not be kicked: ${reason}`,
          );
          return false;
        },
      );
  }
  if (how.kind === 'failed') {
    await deps.bus.publish('member.verification.failed', {
      ...key,
      attempts: Math.max(1, row.attempts),
      action,
      failedAt: now,
    });
    gateMetrics.failed.add(1, { guild_id: key.guildId });
  } else {
    await deps.bus.publish('member.verification.expired', { ...key, action, expiredAt: now });
    gateMetrics.expired.add(1, { guild_id: key.guildId });
  }
  const done = action === 'keep' ? 'kept Unverified' : kicked ? 'kicked' : 'the kick failed';
  await audit(deps, key, `verification.${how.kind}`, `${how.why}; ${done}`, {
    action,
    attempts: row.attempts,
    kicked: kicked ?? false,
  });
  return true;
}

/** Several accounts verified from one address: the moderators hear of it, with the others named. */
export async function flagSharedAddress(
  deps: GateDeps,
  row: Verification,
  others: readonly string[],
): Promise<void> {
  const key = toKey(row);
  const now = deps.now();
  await deps.bus.publish('member.verification.flagged', {
    ...key,
    flag: 'shared-address',
    relatedUserIds: others.slice(0, 50),
    flaggedAt: now,
  });
  await audit(deps, key, 'verification.flagged', 'verified from an address other accounts used', {
    related: others.join(','),
  });
  await deps.tellAdmins(
    key.guildId,
    `⚠️ <@${key.userId}> answered the member gate from the same address as ${others.map((u) => `<@${u}>`).join(', ')} ` +
      `within ${deps.config(key.guildId).gate.altWindowDays} days: possibly one person with several accounts. ` +
      `The gate's failure action (${deps.config(key.guildId).gate.failureAction}) applies.`,
  );
}

async function audit(
  deps: GateDeps,
  key: MemberKey,
  action: string,
  reason: string,
  details: Record<string, string | number | boolean>,
): Promise<void> {
  await deps.bus.publish('audit.recorded', {
    guildId: key.guildId,
    action,
    actorId: ACTOR,
    targetId: key.userId,
    reason,
    details: { joinedAt: key.joinedAt, ...details },
    idempotencyKey: `${action}:${key.guildId}:${key.userId}:${key.joinedAt}`,
    at: deps.now(),
  });
}
