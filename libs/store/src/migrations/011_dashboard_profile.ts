import { type Kysely, sql } from 'kysely';

// Named configuration profiles an admin keeps on the dashboard and applies to the guilds they
// manage. Owned by the dashboard. A profile holds only the settings it sets (a partial config).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dashboard_profile')
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('dashboard_profile_pkey', ['owner_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dashboard_profile').execute();
}
