import { type EventPayload, lockdownRequested } from '@chat-guard/events';
import {
  type GateState,
  type LockdownState,
  NO_GATE,
  NO_LOCKDOWN,
  readGateStates,
  readLockdownStates,
  redisKeys,
  swapGateState,
  swapLockdownState,
} from '@chat-guard/store';
import type { Redis } from 'ioredis';
import {
  type Decision,
  type GuildResponse,
  type Level,
  type ResponsePolicy,
  stepResponse,
} from './decideResponse.ts';
import { computeFeatures, type GuildFeatures } from './features.ts';
import type { GuildWindows } from './feedWindows.ts';
import { topInvite } from './joinStats.ts';
import { ACTIVE_MS, type GuildTick, observation } from './replayTrace.ts';

/** Joins this long before the trigger are the raid window: the accounts to quarantine. */
export const RAID_WINDOW_MS = 2 * 60_000;
/** Newcomers who posted links, invites or mass pings this long before the trigger are suspects. */
const POSTERS_WINDOW_MS = 10 * 60_000;
/** A guild's score is published for the dashboard at most this often. */
export const SCORE_EVERY_MS = 10_000;
const MINUTE = 60_000;
const MAX_SUSPECTS = 1_000;

export interface DetectorDeps {
  readonly windows: GuildWindows;
  /** Scores a batch of feature vectors (the model, calibrated). */
  readonly score: (vectors: readonly (readonly number[])[]) => Promise<number[]>;
  readonly policy: ResponsePolicy;
  readonly featureVersion: number;
  readonly redis: Redis;
  readonly startGate: (gate: EventPayload<'gate.started'>) => Promise<void>;
  readonly endGate: (gate: EventPayload<'gate.ended'>) => Promise<void>;
  readonly requestLockdown: (request: EventPayload<'lockdown.requested'>) => Promise<void>;
  readonly liftLockdown: (lift: EventPayload<'lockdown.lifted'>) => Promise<void>;
  readonly publishScore: (scored: EventPayload<'raid.scored'>) => Promise<void>;
  /** A guild whose step could not be carried out this tick: the others go on; it is tried again next tick. */
  readonly onGuildError: (guildId: string, err: unknown) => void;
  readonly now: () => number;
}

export interface TickReport {
  readonly scored: number;
  readonly transitions: { guildId: string; decision: Decision['decision'] }[];
  /** Steps the score asked for that an admin's "false alarm" holds off. */
  readonly suppressed: string[];
  /** Guilds whose step failed this tick (reported through onGuildError, retried next tick). */
  readonly failed: string[];
}

// Claim the guild's lockdown and park its request in one step, so a replica that dies right
// after still leaves the request for the next one to publish.
const CLAIM = `
local raw = redis.call('GET', KEYS[1])
if raw then
  local current = cjson.decode(raw)['lockdownId']
  if current ~= nil and current ~= cjson.null then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;
const KEEP_MS = 7 * 24 * 60 * MINUTE;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const short = (reasons: readonly string[], n = 20) => reasons.slice(0, n).map((r) => r.slice(0, 200));

/**
 * The live detector's tick: scores every active guild in one batch and runs the same graduated
 * response as `chat-guard replay`, with the gate and lockdown shared in Redis, so any replica
 * can take over mid-raid, there is one step of each kind per guild at a time, and an admin's
 * answer (a lift, "End gate", a false alarm) is read back at the next tick.
 */
export class ResponseDetector {
  /** When each step's guild went calm, by step id (a new leader starts counting again). */
  readonly #calmSince = new Map<string, number>();
  readonly #scoredAt = new Map<string, number>();

  constructor(private readonly deps: DetectorDeps) {}

  async tick(): Promise<TickReport> {
    const { windows, redis, now: clock } = this.deps;
    const now = clock();
    const known = windows.guilds();
    const [locks, gates] = await Promise.all([
      readLockdownStates(redis, known),
      readGateStates(redis, known),
    ]);
    const active = known
      .filter((g) => {
        const last = windows.get(g).lastActivityAt(now);
        return (
          locks.get(g)?.lockdownId || gates.get(g)?.gateId || (last !== undefined && now - last < ACTIVE_MS)
        );
      })
      .sort();
    const report: TickReport = { scored: active.length, transitions: [], suppressed: [], failed: [] };
    if (active.length === 0) return report;
    for (const guildId of active.filter((g) => locks.get(g)?.lockdownId)) {
      await this.#publishParked(guildId).catch((err: unknown) => {
        report.failed.push(guildId);
        this.deps.onGuildError(guildId, err);
      });
    }
    const features = active.map((g) => computeFeatures(windows.get(g), now));
    const scores = await this.deps.score(features.map((f) => f.vector));
    for (const [i, guildId] of active.entries()) {
      const lock = locks.get(guildId) ?? NO_LOCKDOWN;
      const gate = gates.get(guildId) ?? NO_GATE;
      const f = features[i] as GuildFeatures;
      const tick: GuildTick = {
        guildId,
        now,
        score: clamp01(scores[i] ?? 0),
        features: f,
        window: windows.get(guildId),
        fresh: true,
      };
      const state = this.#state(lock, gate, now);
      const step = stepResponse(state, observation(tick, state.epoch), this.deps.policy);
      this.#remember(lock, gate, step.state);
      try {
        await this.#publishScore(tick, step.state.level);
        for (const decision of step.decisions) {
          const done = await this.#carryOut(guildId, decision, lock, gate, f, report);
          if (done) report.transitions.push({ guildId, decision: decision.decision });
        }
      } catch (err) {
        // One guild's failure (NATS refusing a publish, say) never stops the others' steps.
        report.failed.push(guildId);
        this.deps.onGuildError(guildId, err);
      }
    }
    return report;
  }

  /** The response as the shared state has it: the strongest step in force, and the epoch. */
  #state(lock: LockdownState, gate: GateState, now: number): GuildResponse {
    const epoch = Math.max(lock.endedAt ?? 0, gate.endedAt ?? 0);
    if (lock.lockdownId) {
      return {
        level: 'lockdown',
        since: lock.since ?? now,
        calmSince: this.#calmSince.get(lock.lockdownId) ?? null,
        epoch,
      };
    }
    if (gate.gateId) {
      return {
        level: 'gate',
        since: gate.since ?? now,
        calmSince: this.#calmSince.get(gate.gateId) ?? null,
        epoch,
      };
    }
    return { level: 'none', since: now, calmSince: null, epoch };
  }

  #remember(lock: LockdownState, gate: GateState, next: GuildResponse): void {
    const id = lock.lockdownId ?? gate.gateId;
    if (!id) return;
    if (next.calmSince === null) this.#calmSince.delete(id);
    else this.#calmSince.set(id, next.calmSince);
  }

  async #carryOut(
    guildId: string,
    decision: Decision,
    lock: LockdownState,
    gate: GateState,
    features: GuildFeatures,
    report: TickReport,
  ): Promise<boolean> {
    const suppressed = lock.suppressedUntil !== null && lock.suppressedUntil > decision.ts;
    switch (decision.decision) {
      case 'gate.start':
        if (suppressed) {
          report.suppressed.push(guildId);
          return false;
        }
        return this.#startGate(guildId, decision, features);
      case 'gate.end':
        return this.#endGate(guildId, gate, decision);
      case 'lockdown.start':
        if (suppressed) {
          report.suppressed.push(guildId);
          return false;
        }
        return this.#startLockdown(guildId, decision, features);
      case 'lockdown.end':
        if (lock.holdUntil !== null && lock.holdUntil > decision.ts) return false; // an admin extended it
        return this.#lift(guildId, lock, decision);
    }
  }

  async #startGate(guildId: string, decision: Decision, features: GuildFeatures): Promise<boolean> {
    const gateId = `${guildId}-${decision.ts}`;
    const claimed = await swapGateState(this.deps.redis, guildId, null, {
      gateId,
      since: decision.ts,
      endedAt: null,
    });
    if (!claimed) return false;
    await this.deps.startGate({
      guildId,
      gateId,
      score: clamp01(decision.score),
      threshold: this.deps.policy.gateScore,
      reasons: short(decision.reasons),
      features: namedFeatures(features),
      featureVersion: this.deps.featureVersion,
      joinsLastMinute: features.joinsLastMinute,
      startedAt: decision.ts,
    });
    return true;
  }

  async #endGate(guildId: string, gate: GateState, decision: Decision): Promise<boolean> {
    if (!gate.gateId) return false;
    await this.deps.endGate({
      guildId,
      gateId: gate.gateId,
      score: clamp01(decision.score),
      reasons: short(decision.reasons),
      endedBy: 'detector',
      endedAt: decision.ts,
    });
    this.#calmSince.delete(gate.gateId);
    return swapGateState(this.deps.redis, guildId, gate.gateId, {
      gateId: null,
      since: null,
      endedAt: decision.ts,
    });
  }

  async #startLockdown(guildId: string, decision: Decision, features: GuildFeatures): Promise<boolean> {
    const { windows, redis } = this.deps;
    const window = windows.get(guildId);
    const lockdownId = `${guildId}-${decision.ts}`;
    const raid = window.recent(decision.ts, RAID_WINDOW_MS);
    // Newcomers posting spam are suspects too, however long ago they joined (a drip's sleepers).
    const posters = window
      .recentPosts(decision.ts, POSTERS_WINDOW_MS)
      .filter((p) => p.spammy)
      .map((p) => p.userId);
    const lastMinute = window.recent(decision.ts, MINUTE);
    const top = topInvite(lastMinute);
    const request: EventPayload<'lockdown.requested'> = {
      guildId,
      lockdownId,
      score: clamp01(decision.score),
      threshold: this.deps.policy.lockdownScore,
      reasons: short(decision.reasons),
      features: namedFeatures(features),
      featureVersion: this.deps.featureVersion,
      joinsLastMinute: lastMinute.length,
      topInvite:
        top.code && top.code !== 'vanity' && lastMinute.length > 0
          ? { code: top.code, share: clamp01(top.count / lastMinute.length) }
          : null,
      raidWindowStart: raid[0]?.ts ?? decision.ts - RAID_WINDOW_MS,
      suspectIds: [...new Set([...raid.map((j) => j.userId), ...posters])].slice(-MAX_SUSPECTS),
      requestedAt: decision.ts,
    };
    const previous = await this.#currentLockdownState(guildId);
    const next: LockdownState = { ...NO_LOCKDOWN, lockdownId, since: decision.ts, endedAt: previous.endedAt };
    const claimed = await redis.eval(
      CLAIM,
      2,
      redisKeys.lockdownState(guildId),
      redisKeys.lockdownPending(guildId),
      JSON.stringify(next),
      JSON.stringify(request),
      String(KEEP_MS),
    );
    if (claimed !== 1) return false; // another replica got there first
    await this.#publishRequest(guildId, request);
    return true;
  }

  async #currentLockdownState(guildId: string): Promise<LockdownState> {
    return (await readLockdownStates(this.deps.redis, [guildId])).get(guildId) ?? NO_LOCKDOWN;
  }

  async #publishRequest(guildId: string, request: EventPayload<'lockdown.requested'>): Promise<void> {
    await this.deps.requestLockdown(request); // same lockdown id, same dedupe id: stored once
    await this.deps.redis.del(redisKeys.lockdownPending(guildId));
  }

  /** A request a replica claimed and could not publish before it died (or NATS went away). */
  async #publishParked(guildId: string): Promise<void> {
    const raw = await this.deps.redis.get(redisKeys.lockdownPending(guildId));
    if (!raw) return;
    const parsed = lockdownRequested.schema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      // A request no version of the event accepts can never be published: drop it, say so.
      await this.deps.redis.del(redisKeys.lockdownPending(guildId));
      throw new Error(`dropped a parked lockdown request that fails its schema: ${parsed.error.message}`);
    }
    await this.#publishRequest(guildId, parsed.data);
  }

  async #lift(guildId: string, shared: LockdownState, decision: Decision): Promise<boolean> {
    const lockdownId = shared.lockdownId;
    if (!lockdownId) return false;
    await this.deps.liftLockdown({
      guildId,
      lockdownId,
      score: clamp01(decision.score),
      reasons: short(decision.reasons),
      liftedBy: 'detector',
      release: false,
      liftedAt: decision.ts,
    });
    this.#calmSince.delete(lockdownId);
    return swapLockdownState(this.deps.redis, guildId, lockdownId, { ...NO_LOCKDOWN, endedAt: decision.ts });
  }

  async #publishScore(tick: GuildTick, level: Level): Promise<void> {
    const last = this.#scoredAt.get(tick.guildId);
    if (last !== undefined && tick.now - last < SCORE_EVERY_MS) return;
    this.#scoredAt.set(tick.guildId, tick.now);
    await this.deps.publishScore({
      guildId: tick.guildId,
      score: tick.score,
      level,
      joinsLastMinute: tick.features.joinsLastMinute,
      joinsLastTenMinutes: tick.features.joinsLast10Minutes,
      reasons: short(tick.features.reasons, 5),
      scoredAt: tick.now,
    });
  }
}

function namedFeatures(features: GuildFeatures): Record<string, number> {
  return Object.fromEntries(
    Object.entries(features.named).map(([k, v]) => [k, Math.max(-1, Math.min(1, v))]),
  );
}
