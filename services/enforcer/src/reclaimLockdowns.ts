import type { Database } from '@chat-guard/store';
import { readLockdownStates, swapLockdownState } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';

/**
 * Gives the detector back the lockdowns it has lost track of. Redis keeps no data on disk in
 * many deployments: after a restart no record says a guild is locked down, so the detector
 * would never lift it. A lockdown seen orphaned on two runs in a row (so a lift already on
 * its way has had minutes to arrive) is claimed again in the shared state, from its start,
 * and the detector lifts it after the quiet period as usual.
 */
export class LockdownReclaimer {
  /** Lockdowns orphaned on the previous run. */
  #seen = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly redis: Redis,
  ) {}

  /** One run; returns the lockdowns reclaimed. */
  async run(): Promise<string[]> {
    const active = await this.db
      .selectFrom('lockdown')
      .select(['id', 'guild_id', 'started_at', 'hold_until'])
      .where('status', '=', 'active')
      .execute();
    const states = await readLockdownStates(
      this.redis,
      active.map((l) => l.guild_id),
    );
    const orphaned = active.filter((l) => !states.get(l.guild_id)?.lockdownId);
    const reclaimed: string[] = [];
    for (const lockdown of orphaned) {
      if (!this.#seen.has(lockdown.id)) continue;
      const claimed = await swapLockdownState(this.redis, lockdown.guild_id, null, {
        lockdownId: lockdown.id,
        since: lockdown.started_at.getTime(),
        holdUntil: lockdown.hold_until?.getTime() ?? null,
        suppressedUntil: null,
        endedAt: null,
      });
      if (claimed) reclaimed.push(lockdown.id);
    }
    this.#seen = new Set(orphaned.filter((l) => !reclaimed.includes(l.id)).map((l) => l.id));
    return reclaimed;
  }
}
