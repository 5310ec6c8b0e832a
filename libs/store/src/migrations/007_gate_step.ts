import { type Kysely, sql } from 'kysely';

// The enforcer's side of the raid detector's gentle step: per gate, the gate mode it found,
// the verification level it replaced (so `gate.ended` restores it, or hands it to a lockdown
// that will), what it did, and the admin alert the log-writer posted for it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gate_step')
    .addColumn('gate_id', 'text', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    /** `active` from `gate.started`, `ended` once `gate.ended` is handled. */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The guild's gate mode when the gate started; the stored one wins on redelivery. */
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('joins_last_minute', 'integer', (c) => c.notNull())
    /** The verification level before the raise, snapshotted once; null when none was needed. */
    .addColumn('prior_level', 'integer')
    /** The level the step set; null when it changed nothing on Discord. */
    .addColumn('raised_to', 'integer')
    /** What the step did at the start and at the end, in words for the alert and the audit. */
    .addColumn('step', 'text')
    .addColumn('end_step', 'text')
    /** The lockdown the prior level was handed to at the end, when one was active. */
    .addColumn('handed_to', 'text')
    .addColumn('alert_channel_id', 'text')
    .addColumn('alert_message_id', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_by', 'text')
    .execute();
  await sql`create index gate_step_guild_active on gate_step (guild_id) where status = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gate_step').execute();
}
