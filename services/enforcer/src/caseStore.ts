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
 * Inserts a case under the guild's next number in one statement: the counter row's update
 * serialises replicas, so no two cases of a guild share a number. The caller makes sure the
 * key is new (a conflict on it throws rather than spend a number silently).
 */
export async function insertCase(db: Kysely<Database>, c: NewCase): Promise<number> {
  const until = c.untilMs === null || c.untilMs === undefined ? null : new Date(c.untilMs);
  const { rows } = await sql<{ number: number }>`
    with next as (
      insert into moderation_case_counter as counter (guild_id, last_number) values (${c.guildId}, 1)
      on conflict (guild_id) do update set last_number = counter.last_number + 1
      returning last_number
    )
    insert into moderation_case (guild_id, number, user_id, actor_id, action, reason, rule,
      evidence_hash, channel_id, message_id, counts, violation_count, until, details, audit_keys,
      idempotency_key, created_at)
    select ${c.guildId}, next.last_number, ${c.userId}, ${c.actorId}, ${c.action},
      ${c.reason.slice(0, 500)}, ${c.rule ?? null}, ${c.evidenceHash ?? null}, ${c.channelId ?? null},
      ${c.messageId ?? null}, ${c.counts}, ${c.violationCount ?? null}, ${until},
      ${JSON.stringify(c.details ?? {})}::jsonb, ${[...c.auditKeys]}::text[], ${c.idempotencyKey},
      ${new Date(c.createdAt)}
    from next
    returning number`.execute(db);
  const [row] = rows;
  if (!row) throw new Error(`case ${c.idempotencyKey} was not stored`);
  return row.number;
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
