import type { EventPayload } from '@chat-guard/events';
import {
  type LockdownState,
  NO_LOCKDOWN,
  readLockdownStates,
  redisKeys,
  swapLockdownState,
} from '@chat-guard/store';
import type { Redis } from 'ioredis';
import { type Decision, decideLockdown, type GuildState, type LockdownPolicy } from './decideLockdown.ts';
import { computeFeatures } from './features.ts';
import type { GuildWindows } from './feedWindows.ts';
import { topInvite } from './joinStats.ts';
import { observe, type TickScorer } from './replayTrace.ts';

/** Joins this long before the trigger are the raid window: the accounts to quarantine. */
export const RAID_WINDOW_MS = 2 * 60_000;
/** A guild with no join for this long is not scored (unless it is locked down). */
export const ACTIVE_MS = 10 * 60_000;
const MINUTE = 60_000;
const MAX_SUSPECTS = 1_000;

export interface DetectorDeps {
  readonly windows: GuildWindows;
  readonly tick: TickScorer;
  readonly policy: LockdownPolicy;
  readonly featureVersion: number;
  readonly redis: Redis;
  readonly requestLockdown: (request: EventPayload<'lockdown.requested'>) => Promise<void>;
  readonly liftLockdown: (lift: EventPayload<'lockdown.lifted'>) => Promise<void>;
  readonly now: () => number;
}

export interface TickReport {
  readonly scored: number;
  readonly started: string[];
  readonly lifted: string[];
  /** Starts the score asked for that an admin's "false alarm" holds off. */
  readonly suppressed: string[];
}

// Claim the guild's lockdown and park its request in one step, so a replica that dies
// right after still leaves the request for the next one to publish.
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

/**
 * The live detector's tick: scores every active guild in one batch and runs the same
 * hysteresis as `chat-guard replay`, with the lockdown state shared in Redis so that any
 * replica can take over mid-raid and there is one lockdown per guild at a time.
 */
export class LockdownDetector {
  /** When each lockdown's score went calm, by lockdown id (a new leader starts counting again). */
  readonly #calmSince = new Map<string, number>();

  constructor(private readonly deps: DetectorDeps) {}

  async tick(): Promise<TickReport> {
    const { windows, redis, now: clock } = this.deps;
    const now = clock();
    const known = windows.guilds();
    const states = await readLockdownStates(redis, known);
    const active = known
      .filter((g) => states.get(g)?.lockdownId || windows.get(g).recent(now, ACTIVE_MS).length > 0)
      .sort();
    const report: TickReport = { scored: active.length, started: [], lifted: [], suppressed: [] };
    if (active.length === 0) return report;
    await this.#publishParked(active.filter((g) => states.get(g)?.lockdownId));
    const scored = await this.deps.tick(windows, active, now);
    for (const [i, guildId] of active.entries()) {
      const result = scored[i];
      if (!result) continue;
      const shared = states.get(guildId) ?? NO_LOCKDOWN;
      const observed = observe(windows.get(guildId), now, { ...result, score: clamp01(result.score) });
      const step = decideLockdown(this.#hysteresis(shared, now), observed, this.deps.policy);
      if (!shared.lockdownId) {
        if (step.decision?.decision !== 'lockdown.start') continue;
        if (shared.suppressedUntil !== null && shared.suppressedUntil > now) {
          report.suppressed.push(guildId);
          continue;
        }
        if (await this.#start(guildId, step.decision)) report.started.push(guildId);
        continue;
      }
      if (step.state.locked) {
        if (step.state.calmSince === null) this.#calmSince.delete(shared.lockdownId);
        else this.#calmSince.set(shared.lockdownId, step.state.calmSince);
        continue;
      }
      if (shared.holdUntil !== null && shared.holdUntil > now) continue; // an admin extended it
      if (step.decision && (await this.#lift(guildId, shared, step.decision))) report.lifted.push(guildId);
    }
    return report;
  }

  #hysteresis(shared: LockdownState, now: number): GuildState {
    if (!shared.lockdownId) return { locked: false };
    return {
      locked: true,
      since: shared.since ?? now,
      calmSince: this.#calmSince.get(shared.lockdownId) ?? null,
    };
  }

  async #start(guildId: string, decision: Decision): Promise<boolean> {
    const { windows, redis } = this.deps;
    const window = windows.get(guildId);
    const lockdownId = `${guildId}-${decision.ts}`;
    const features = computeFeatures(window, decision.ts);
    const raid = window.recent(decision.ts, RAID_WINDOW_MS);
    const lastMinute = window.recent(decision.ts, MINUTE);
    const top = topInvite(lastMinute);
    const request: EventPayload<'lockdown.requested'> = {
      guildId,
      lockdownId,
      score: clamp01(decision.score),
      threshold: this.deps.policy.enterScore,
      reasons: decision.reasons.slice(0, 20).map((r) => r.slice(0, 200)),
      features: Object.fromEntries(Object.entries(features.named).map(([k, v]) => [k, clamp01(v)])),
      featureVersion: this.deps.featureVersion,
      joinsLastMinute: lastMinute.length,
      topInvite: top.code ? { code: top.code, share: clamp01(top.share) } : null,
      raidWindowStart: raid[0]?.ts ?? decision.ts - RAID_WINDOW_MS,
      suspectIds: [...new Set(raid.map((j) => j.userId))].slice(-MAX_SUSPECTS),
      requestedAt: decision.ts,
    };
    const next: LockdownState = { ...NO_LOCKDOWN, lockdownId, since: decision.ts };
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

  async #publishRequest(guildId: string, request: EventPayload<'lockdown.requested'>): Promise<void> {
    await this.deps.requestLockdown(request); // same lockdown id, same dedupe id: stored once
    await this.deps.redis.del(redisKeys.lockdownPending(guildId));
  }

  /** Requests a replica claimed and could not publish before it died (or NATS went away). */
  async #publishParked(locked: readonly string[]): Promise<void> {
    if (locked.length === 0) return;
    const parked = await this.deps.redis.mget(...locked.map((g) => redisKeys.lockdownPending(g)));
    for (const [i, raw] of parked.entries()) {
      const guildId = locked[i];
      if (!raw || !guildId) continue;
      await this.#publishRequest(guildId, JSON.parse(raw) as EventPayload<'lockdown.requested'>);
    }
  }

  async #lift(guildId: string, shared: LockdownState, decision: Decision): Promise<boolean> {
    const lockdownId = shared.lockdownId;
    if (!lockdownId) return false;
    await this.deps.liftLockdown({
      guildId,
      lockdownId,
      score: clamp01(decision.score),
      reasons: decision.reasons.slice(0, 20).map((r) => r.slice(0, 200)),
      liftedBy: 'detector',
      release: false,
      liftedAt: decision.ts,
    });
    this.#calmSince.delete(lockdownId);
    return swapLockdownState(this.deps.redis, guildId, lockdownId, NO_LOCKDOWN);
  }
}
