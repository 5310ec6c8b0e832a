import { type Kysely, sql } from 'kysely';

// One row per Discord action the enforcer decided on, keyed by its idempotency key, so a
// verdict delivered twice (a crash before the ack) never acts twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('enforcement_action')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'done', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // What the escalation decided for each violation, so a redelivered verdict decides the same.
  await db.schema.alterTable('violation').addColumn('violation_count', 'integer').execute();
  await db.schema.alterTable('violation').addColumn('timeout_until', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('violation').dropColumn('timeout_until').execute();
  await db.schema.alterTable('violation').dropColumn('violation_count').execute();
  await db.schema.dropTable('enforcement_action').execute();
}
