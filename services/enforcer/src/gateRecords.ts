import type { EventPayload, GateSettings } from '@chat-guard/events';
import type { Database, GateStepTable } from '@chat-guard/store';
import type { Kysely, Selectable } from 'kysely';

export type GateStepRow = Selectable<GateStepTable>;
export type GateStarted = EventPayload<'gate.started'>;
export type GateEnded = EventPayload<'gate.ended'>;

/** The action-ledger key of the gate's raise or restore of the verification level. */
export function gateKey(row: GateStepRow, step: 'verification' | 'restore-verification'): string {
  return `gate:${row.gate_id}:${step}:${row.guild_id}`;
}

/** The enforcer's record of a gate, if it has one. */
export async function readGate(db: Kysely<Database>, gateId: string): Promise<GateStepRow | undefined> {
  return db.selectFrom('gate_step').selectAll().where('gate_id', '=', gateId).executeTakeFirst();
}

/** Records a gate once, with the gate mode in force now; the stored row wins on redelivery. */
export async function recordGate(
  db: Kysely<Database>,
  event: GateStarted,
  mode: GateSettings['mode'],
): Promise<GateStepRow> {
  await db
    .insertInto('gate_step')
    .values({
      gate_id: event.gateId,
      guild_id: event.guildId,
      status: 'active',
      mode,
      score: event.score,
      reasons: JSON.stringify(event.reasons),
      joins_last_minute: event.joinsLastMinute,
      started_at: new Date(event.startedAt),
    })
    .onConflict((oc) => oc.column('gate_id').doNothing())
    .execute();
  const row = await readGate(db, event.gateId);
  if (!row) throw new Error(`gate ${event.gateId} vanished right after it was recorded`);
  return row;
}

/** Where the log-writer posted the gate's alert; the first post wins, a replay changes nothing. */
export async function recordGateAlertMessage(
  db: Kysely<Database>,
  posted: EventPayload<'gate.alert_posted'>,
): Promise<void> {
  await db
    .updateTable('gate_step')
    .set({ alert_channel_id: posted.channelId, alert_message_id: posted.messageId })
    .where('gate_id', '=', posted.gateId)
    .where('guild_id', '=', posted.guildId)
    .where('alert_message_id', 'is', null)
    .execute();
}

/** Records a gate as ended before its start was handled, so a late `gate.started` takes no step. */
export async function recordEndedBeforeStart(
  db: Kysely<Database>,
  event: GateEnded,
  mode: GateSettings['mode'],
): Promise<GateStepRow> {
  const startedAt = Number(event.gateId.split('-')[1]);
  await db
    .insertInto('gate_step')
    .values({
      gate_id: event.gateId,
      guild_id: event.guildId,
      status: 'ended',
      mode,
      score: event.score,
      reasons: JSON.stringify(event.reasons),
      joins_last_minute: 0,
      step: 'none: the gate ended before it started',
      end_step: 'nothing to restore: no step was taken',
      started_at: new Date(startedAt),
      ended_at: new Date(event.endedAt),
      ended_by: event.endedBy,
    })
    .onConflict((oc) => oc.column('gate_id').doNothing())
    .execute();
  const row = await readGate(db, event.gateId);
  if (!row) throw new Error(`gate ${event.gateId} vanished right after it was recorded`);
  return row;
}

/**
 * Stores the level found before the first change and the level the step aims for (null when
 * the guild is already there), once: the stored snapshot wins on a redelivery.
 */
export async function keepPriorLevel(
  db: Kysely<Database>,
  gateId: string,
  prior: number,
  target: number,
): Promise<GateStepRow> {
  await db
    .updateTable('gate_step')
    .set({ prior_level: prior, raised_to: target > prior ? target : null })
    .where('gate_id', '=', gateId)
    .where('prior_level', 'is', null)
    .execute();
  return db.selectFrom('gate_step').selectAll().where('gate_id', '=', gateId).executeTakeFirstOrThrow();
}

/** The other gate of the guild still in force that raised nothing itself, if any (the newest). */
export async function otherActiveGate(
  db: Kysely<Database>,
  row: GateStepRow,
): Promise<GateStepRow | undefined> {
  return db
    .selectFrom('gate_step')
    .selectAll()
    .where('guild_id', '=', row.guild_id)
    .where('status', '=', 'active')
    .where('gate_id', '<>', row.gate_id)
    .where('mode', 'in', ['off', 'rules'])
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
}

/** Whether the action ledger has a key carried out (or possibly carried out). */
export async function ledgerTaken(db: Kysely<Database>, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('enforcement_action')
    .select('status')
    .where('key', '=', key)
    .executeTakeFirst();
  return row !== undefined && row.status !== 'failed';
}
