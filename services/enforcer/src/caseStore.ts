import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

/** A case to open: who, by whom, what and why, with the evidence as a hash and the rule. */
export interface NewCase {
  readonly guildId: string;
  /** The member acted on; null for a purge of anyone's messages. */
  readonly userId: string | null;
  /** The moderator, or `chat-guard` for the guards. */
  readonly actorId: string;
  readonly action: string;
  readonly reason: string;
  readonly rule?: string | null;
  readonly evidenceHash?: string | null;
  readonly channelId?: string | null;
  readonly messageId?: string | null;
  /** Whether it counts towards the escalation (Table 1). */
  readonly counts: boolean;
  readonly violationCount?: number | null;
  readonly untilMs?: number | null;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  /** The idempotency keys of the audit entries that will record what was done. */
  readonly auditKeys: readonly string[];
  /** One case per key, whatever the redeliveries. */
  readonly idempotencyKey: string;
  readonly createdAt: number;
}

/**
 * Inserts a case under the guild's next number. The caller makes sure the key is new (a
 * conflict on it throws rather than spend a number silently).
 */
export async function insertCase(db: Kysely<Database>, c: NewCase): Promise<number> {
  const number = (await insertCases(db, c.guildId, [c])).get(c.idempotencyKey);
  if (number === undefined) throw new Error(`case ${c.idempotencyKey} was not stored`);
  return number;
}

/**
 * Inserts cases of one guild under its next numbers in two statements (the counter moves by
 * their number at once, which serialises replicas) and returns each case's number by key.
 */
export async function insertCases(
  db: Kysely<Database>,
  guildId: string,
  cases: readonly NewCase[],
): Promise<Map<string, number>> {
  if (cases.length === 0) return new Map();
  const { rows } = await sql<{ last_number: number }>`
    insert into moderation_case_counter as counter (guild_id, last_number) values (${guildId}, ${cases.length})
    on conflict (guild_id) do update set last_number = counter.last_number + ${cases.length}
    returning last_number`.execute(db);
  const last = rows[0]?.last_number;
  if (last === undefined) throw new Error(`no case numbers for guild ${guildId}`);
  const first = last - cases.length + 1;
  await db
    .insertInto('moderation_case')
    .values(
      cases.map((c, i) => ({
        guild_id: guildId,
        number: first + i,
        user_id: c.userId,
        actor_id: c.actorId,
        action: c.action,
        reason: c.reason.slice(0, 500),
        rule: c.rule ?? null,
        evidence_hash: c.evidenceHash ?? null,
        channel_id: c.channelId ?? null,
        message_id: c.messageId ?? null,
        counts: c.counts,
        violation_count: c.violationCount ?? null,
        until: c.untilMs === null || c.untilMs === undefined ? null : new Date(c.untilMs),
        details: JSON.stringify(c.details ?? {}),
        audit_keys: [...c.auditKeys],
        idempotency_key: c.idempotencyKey,
        created_at: new Date(c.createdAt),
      })),
    )
    .execute();
  return new Map(cases.map((c, i) => [c.idempotencyKey, first + i]));
}

/** Opens a case once per idempotency key and returns its number (the same on a redelivery). */
export async function openCase(db: Kysely<Database>, c: NewCase): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`case:${c.idempotencyKey}`}, 0))`.execute(trx);
    const existing = await trx
      .selectFrom('moderation_case')
      .select('number')
      .where('idempotency_key', '=', c.idempotencyKey)
      .executeTakeFirst();
    return existing ? existing.number : insertCase(trx, c);
  });
}

/** Links more audit entries to a case (a step taken after it was opened). */
export async function linkAudit(
  db: Kysely<Database>,
  guildId: string,
  caseNumber: number,
  keys: readonly string[],
): Promise<void> {
  await sql`
    update moderation_case
    set audit_keys = audit_keys || array(
      select k from unnest(${[...keys]}::text[]) as k where not k = any(audit_keys))
    where guild_id = ${guildId} and number = ${caseNumber}`.execute(db);
}
