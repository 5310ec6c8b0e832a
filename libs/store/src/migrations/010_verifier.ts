import { type Kysely, sql } from 'kysely';

// The member gate: its settings beside the others, the Unverified role and verify channel the
// verifier manages per guild (with the raid gate in force), and every newcomer's verification.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('guild_config')
    .addColumn('gate', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .createTable('verifier_guild')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('role_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    /** The raid detector's gate in force (`on-alert` gates newcomers while it is set). */
    .addColumn('gate_id', 'text')
    .addColumn('gate_started_at', 'timestamptz')
    /** The last raid gate that ended, so a late redelivery of its start does not reopen it. */
    .addColumn('gate_ended_id', 'text')
    /** Why setting up the gate last failed (a missing permission, say); null once it works. */
    .addColumn('setup_error', 'text')
    .addColumn('setup_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('verification')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    /** `admitted` (not gated), `pending`, `passed`, `failed` or `expired`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('gate_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deadline_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    /** `web` or `discord` for a pass; the failure action for a failure or expiry. */
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('verification_pk', ['guild_id', 'user_id', 'joined_at'])
    .execute();
  await sql`create index verification_pending on verification (deadline_at) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('verification_by_guild')
    .on('verification')
    .columns(['guild_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verification').execute();
  await db.schema.dropTable('verifier_guild').execute();
  await db.schema.alterTable('guild_config').dropColumn('gate').execute();
}
