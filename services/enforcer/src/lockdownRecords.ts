import type { EventPayload } from '@chat-guard/events';
import type { Database, LockdownTable, RaidLabelTable } from '@chat-guard/store';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { PriorState } from './lockdownPlan.ts';
import { parsePriorState } from './priorStateRow.ts';

export type LockdownRow = Selectable<LockdownTable>;

/**
 * Runs `task` while holding the lockdown's advisory lock, so the start, a lift and the admins'
 * answers of one lockdown never interleave (the consumer handles several messages at once).
 * The task gets `deps` bound to the lock's connection: one connection per lockdown in hand,
 * and a killed process drops the lock with its connection.
 */
export async function withLockdownLock<D extends { readonly db: Kysely<Database> }, T>(
  deps: D,
  lockdownId: string,
  task: (deps: D) => Promise<T>,
): Promise<T> {
  return withAdvisoryLock(deps, `lockdown:${lockdownId}`, task);
}

/** Runs `task` holding the PostgreSQL advisory lock named `key`, with `deps.db` bound to its connection. */
export async function withAdvisoryLock<D extends { readonly db: Kysely<Database> }, T>(
  deps: D,
  key: string,
  task: (deps: D) => Promise<T>,
): Promise<T> {
  return deps.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(conn);
    try {
      return await task({ ...deps, db: conn });
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
    }
  });
}

export async function readLockdown(
  db: Kysely<Database>,
  lockdownId: string,
): Promise<LockdownRow | undefined> {
  return db.selectFrom('lockdown').selectAll().where('id', '=', lockdownId).executeTakeFirst();
}

/** Where the log-writer posted a lockdown's alert; the first post wins, a replay changes nothing. */
export async function recordAlertMessage(
  db: Kysely<Database>,
  posted: EventPayload<'lockdown.alert_posted'>,
): Promise<void> {
  await db
    .updateTable('lockdown')
    .set({ alert_channel_id: posted.channelId, alert_message_id: posted.messageId })
    .where('id', '=', posted.lockdownId)
    .where('guild_id', '=', posted.guildId)
    .where('alert_message_id', 'is', null)
    .execute();
}

/** How long a lockdown an admin started by hand holds against the detector's lift: until an admin lifts it. */
export const MANUAL_HOLD_MS = 365 * 24 * 3_600_000;

/**
 * Records the lockdown a request asks for, once. Returns its row, or undefined while another
 * lockdown of the guild has not been lifted yet (one per guild at a time).
 */
export async function recordLockdown(
  db: Kysely<Database>,
  request: EventPayload<'lockdown.requested'>,
  shadow: boolean,
): Promise<LockdownRow | undefined> {
  await db
    .insertInto('lockdown')
    .values({
      id: request.lockdownId,
      guild_id: request.guildId,
      status: 'active',
      shadow,
      score: request.score,
      reasons: JSON.stringify(request.reasons),
      features: JSON.stringify(request.features),
      raid_window_start: new Date(request.raidWindowStart),
      started_at: new Date(request.requestedAt),
      started_by: request.requestedBy ?? null,
      hold_until: request.requestedBy ? new Date(request.requestedAt + MANUAL_HOLD_MS) : null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return readLockdown(db, request.lockdownId);
}

/**
 * Records a lockdown as lifted before its request was handled, so a request that arrives late
 * starts nothing.
 */
export async function recordLiftedBeforeStart(
  db: Kysely<Database>,
  lift: EventPayload<'lockdown.lifted'>,
): Promise<void> {
  const startedAt = Number(lift.lockdownId.split('-')[1]);
  await db
    .insertInto('lockdown')
    .values({
      id: lift.lockdownId,
      guild_id: lift.guildId,
      status: 'lifted',
      shadow: false,
      score: lift.score,
      reasons: JSON.stringify(lift.reasons),
      features: '{}',
      raid_window_start: new Date(startedAt),
      started_at: new Date(startedAt),
      lifted_at: new Date(lift.liftedAt),
      lifted_by: lift.liftedBy,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The snapshot taken before the first change: stored once, and the stored one wins thereafter. */
export async function keepPriorState(
  db: Kysely<Database>,
  lockdownId: string,
  snapshot: PriorState,
): Promise<PriorState> {
  await db
    .updateTable('lockdown')
    .set({ prior_state: JSON.stringify(snapshot) })
    .where('id', '=', lockdownId)
    .where('prior_state', 'is', null)
    .execute();
  const row = await db
    .selectFrom('lockdown')
    .select('prior_state')
    .where('id', '=', lockdownId)
    .executeTakeFirstOrThrow();
  const stored = parsePriorState(lockdownId, row.prior_state);
  if (!stored) throw new Error(`lockdown ${lockdownId} has no prior state after storing one`);
  return stored;
}

/** The stored snapshot of a lockdown, or null when none was taken. */
export function priorStateOf(row: LockdownRow): PriorState | null {
  return parsePriorState(row.id, row.prior_state);
}

/** The action-ledger keys of a lockdown's steps that were, or may have been, carried out. */
export async function stepsTaken(db: Kysely<Database>, lockdownId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('enforcement_action')
    .select('key')
    .where('key', 'like', `lockdown:${lockdownId}:%`)
    .where('status', '<>', 'failed')
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Marks a lockdown lifted (the first lift's time and author stay) and returns its row. */
export async function markLifted(
  db: Kysely<Database>,
  lockdownId: string,
  at: number,
  by: string,
): Promise<LockdownRow> {
  await db
    .updateTable('lockdown')
    .set({ status: 'lifted', lifted_at: new Date(at), lifted_by: by })
    .where('id', '=', lockdownId)
    .where('status', '=', 'active')
    .execute();
  return db.selectFrom('lockdown').selectAll().where('id', '=', lockdownId).executeTakeFirstOrThrow();
}

/** Stores an admin's answer as a label over the raid window, once per lockdown and answer. */
export async function storeRaidLabel(
  db: Kysely<Database>,
  row: LockdownRow,
  label: { answer: string; label: RaidLabelTable['label']; by: string; windowEnd: number; at: number },
): Promise<void> {
  await db
    .insertInto('raid_label')
    .values({
      lockdown_id: row.id,
      guild_id: row.guild_id,
      label: label.label,
      window_start: row.raid_window_start,
      window_end: new Date(label.windowEnd),
      answer: label.answer,
      labelled_by: label.by,
      labelled_at: new Date(label.at),
    })
    .onConflict((oc) => oc.columns(['lockdown_id', 'answer']).doNothing())
    .execute();
}

/** Active lockdowns on Discord whose invite pause ends before `before`. */
export async function invitePausesEndingBefore(db: Kysely<Database>, before: Date): Promise<LockdownRow[]> {
  return db
    .selectFrom('lockdown')
    .selectAll()
    .where('status', '=', 'active')
    .where('shadow', '=', false)
    .where('invites_paused_until', 'is not', null)
    .where('invites_paused_until', '<', before)
    .execute();
}
