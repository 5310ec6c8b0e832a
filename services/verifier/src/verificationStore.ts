import type { EntryFlag } from '@chat-guard/events';
import type { Database, VerificationTable, VerifierGuildTable } from '@chat-guard/store';
import { type Kysely, type Selectable, sql } from 'kysely';

export type Verification = Selectable<VerificationTable>;
export type VerifierGuild = Selectable<VerifierGuildTable>;

/** One newcomer's verification: guild, user and join time. */
export interface MemberKey {
  readonly guildId: string;
  readonly userId: string;
  readonly joinedAt: number;
}

const byKey = (key: MemberKey) =>
  ({ guild_id: key.guildId, user_id: key.userId, joined_at: key.joinedAt }) as const;

/** The verifier's tables: the gate's Discord objects per guild, and every newcomer's way through. */
export class VerificationStore {
  constructor(readonly db: Kysely<Database>) {}

  guild(guildId: string): Promise<VerifierGuild | undefined> {
    return this.db
      .selectFrom('verifier_guild')
      .selectAll()
      .where('guild_id', '=', guildId)
      .executeTakeFirst();
  }

  async saveGuild(guildId: string, patch: Partial<Omit<VerifierGuild, 'guild_id'>>): Promise<void> {
    await this.db
      .insertInto('verifier_guild')
      .values({ guild_id: guildId, ...patch })
      .onConflict((oc) => oc.column('guild_id').doUpdateSet(patch))
      .execute();
  }

  /**
   * Opens a raid gate unless it already ended (a late redelivery of its start) or a later one
   * holds; false when nothing changed.
   */
  async openRaidGate(guildId: string, gateId: string, startedAt: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('verifier_guild')
      .values({ guild_id: guildId, gate_id: gateId, gate_started_at: startedAt })
      .onConflict((oc) =>
        oc
          .column('guild_id')
          .doUpdateSet({ gate_id: gateId, gate_started_at: startedAt })
          .where((eb) =>
            eb.and([
              eb(eb.fn.coalesce('verifier_guild.gate_ended_id', eb.val('')), '<>', gateId),
              eb.or([
                eb('verifier_guild.gate_started_at', 'is', null),
                eb('verifier_guild.gate_started_at', '<=', startedAt),
              ]),
            ]),
          ),
      )
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Ends the raid gate only if it is the one in force (an old `gate.ended` changes nothing). */
  async endRaidGate(guildId: string, gateId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('verifier_guild')
      .set({ gate_id: null, gate_started_at: null, gate_ended_id: gateId })
      .where('guild_id', '=', guildId)
      .where('gate_id', '=', gateId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records the verification a join opens, once (a redelivered join finds the first row); returns the row. */
  async recordVerification(
    key: MemberKey,
    entry: {
      status: 'admitted' | 'pending';
      reasons: EntryFlag[];
      gateId: string | null;
      deadlineAt: Date | null;
    },
  ): Promise<Verification> {
    await this.db
      .insertInto('verification')
      .values({
        ...byKey(key),
        status: entry.status,
        reasons: JSON.stringify(entry.reasons),
        gate_id: entry.gateId,
        deadline_at: entry.deadlineAt,
      })
      .onConflict((oc) => oc.columns(['guild_id', 'user_id', 'joined_at']).doNothing())
      .execute();
    const row = await this.find(key);
    if (!row) throw new Error(`verification of ${key.userId} in ${key.guildId} vanished`);
    return row;
  }

  find(key: MemberKey): Promise<Verification | undefined> {
    return this.db
      .selectFrom('verification')
      .selectAll()
      .where('guild_id', '=', key.guildId)
      .where('user_id', '=', key.userId)
      .where('joined_at', '=', key.joinedAt as never)
      .executeTakeFirst();
  }

  /** The member's newest verification still waiting, if any. */
  latestPending(guildId: string, userId: string): Promise<Verification | undefined> {
    return this.db
      .selectFrom('verification')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .orderBy('joined_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Counts a wrong answer; the attempts so far, or null when the verification is no longer pending. */
  async countAttempt(key: MemberKey): Promise<number | null> {
    const row = await this.db
      .updateTable('verification')
      .set({ attempts: sql`attempts + 1` })
      .where('guild_id', '=', key.guildId)
      .where('user_id', '=', key.userId)
      .where('joined_at', '=', key.joinedAt as never)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    return row?.attempts ?? null;
  }

  /** Closes a pending verification; false when another replica (or a redelivery) already did. */
  async finish(
    key: MemberKey,
    status: 'passed' | 'failed' | 'expired',
    outcome: string,
    at: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('verification')
      .set({ status, outcome, finished_at: at })
      .where('guild_id', '=', key.guildId)
      .where('user_id', '=', key.userId)
      .where('joined_at', '=', key.joinedAt as never)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Lets a pending newcomer in after all (the gate could not hold them). */
  async admitPending(key: MemberKey): Promise<void> {
    await this.db
      .updateTable('verification')
      .set({ status: 'admitted', deadline_at: null })
      .where('guild_id', '=', key.guildId)
      .where('user_id', '=', key.userId)
      .where('joined_at', '=', key.joinedAt as never)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Closes the member's pending verifications when they leave; how many there were. */
  async closePendingOf(guildId: string, userId: string, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('verification')
      .set({ status: 'expired', outcome: 'left', finished_at: at })
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Pending verifications past their deadline, oldest first. */
  overdue(now: Date, limit: number): Promise<Verification[]> {
    return this.db
      .selectFrom('verification')
      .selectAll()
      .where('status', '=', 'pending')
      .where('deadline_at', '<', now)
      .orderBy('deadline_at')
      .limit(limit)
      .execute();
  }

  /** Moves every pending deadline later: the time the verifier was away is not the members' fault. */
  async extendPending(byMs: number): Promise<number> {
    const result = await this.db
      .updateTable('verification')
      .set({ deadline_at: sql`deadline_at + make_interval(secs => ${byMs / 1000})` })
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

export const toKey = (row: Verification): MemberKey => ({
  guildId: row.guild_id,
  userId: row.user_id,
  joinedAt: Number(row.joined_at),
});
