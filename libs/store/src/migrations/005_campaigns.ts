import { type Kysely, sql } from 'kysely';

// Referral campaigns and the join history they are counted from (also what raid models
// are retrained on). Stats are queries over these rows, never counters that drift.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaign')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('invite_code', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addUniqueConstraint('campaign_invite', ['guild_id', 'invite_code'])
    .execute();
  await sql`create unique index campaign_active_name on campaign (guild_id, lower(name)) where ended_at is null`.execute(
    db,
  );

  await db.schema
    .createTable('member_join')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('account_created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('invite_code', 'text')
    .addColumn('inviter_id', 'text')
    .addColumn('confidence', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'bigint', (c) => c.references('campaign.id'))
    .addColumn('left_at', 'timestamptz')
    .addPrimaryKeyConstraint('member_join_pk', ['guild_id', 'user_id', 'joined_at'])
    .execute();
  await db.schema
    .createIndex('member_join_campaign')
    .on('member_join')
    .columns(['campaign_id', 'joined_at'])
    .execute();

  await db.schema
    .alterTable('guild_config')
    .addColumn('fake_account_age_days', 'integer', (c) => c.notNull().defaultTo(7))
    .execute();
  await db.schema
    .alterTable('guild_config')
    .addColumn('fake_leave_window_hours', 'integer', (c) => c.notNull().defaultTo(24))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_config').dropColumn('fake_leave_window_hours').execute();
  await db.schema.alterTable('guild_config').dropColumn('fake_account_age_days').execute();
  await db.schema.dropTable('member_join').execute();
  await db.schema.dropTable('campaign').execute();
}
