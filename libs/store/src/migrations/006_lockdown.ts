import { type Kysely, sql } from 'kysely';

// Lockdowns with the state they replaced (so a lift restores it exactly), the admins'
// answers as labels beside the join history, and what a raid model needs of each join.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('guild_config')
    .addColumn('lockdown', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .createTable('lockdown')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('shadow', 'boolean', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('features', 'jsonb', (c) => c.notNull())
    .addColumn('raid_window_start', 'timestamptz', (c) => c.notNull())
    /** The settings as they were before the lockdown touched them. */
    .addColumn('prior_state', 'jsonb')
    /** What was changed and how each step went. */
    .addColumn('steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('quarantined', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('invites_paused_until', 'timestamptz')
    .addColumn('hold_until', 'timestamptz')
    /** The alert message in the alert channel, once posted, so later news can edit it. */
    .addColumn('alert_channel_id', 'text')
    .addColumn('alert_message_id', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'text')
    .execute();
  // One lockdown per guild at a time, whatever the replicas do.
  await sql`create unique index lockdown_one_active on lockdown (guild_id) where status <> 'lifted'`.execute(
    db,
  );

  await db.schema
    .createTable('raid_label')
    .addColumn('lockdown_id', 'text', (c) => c.notNull().references('lockdown.id'))
    .addColumn('guild_id', 'text', (c) => c.notNull())
    /** `raid` (confirmed) or `false-alarm`, with the window it covers. */
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('labelled_by', 'text', (c) => c.notNull())
    .addColumn('labelled_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('raid_label_pk', ['lockdown_id', 'answer'])
    .execute();

  await db.schema.alterTable('member_join').addColumn('username', 'text').execute();
  await db.schema.alterTable('member_join').addColumn('avatar', 'text').execute();
  await db.schema
    .alterTable('member_join')
    .addColumn('bot', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('member_join_guild_time')
    .on('member_join')
    .columns(['guild_id', 'joined_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('member_join_guild_time').execute();
  await db.schema.alterTable('member_join').dropColumn('bot').execute();
  await db.schema.alterTable('member_join').dropColumn('avatar').execute();
  await db.schema.alterTable('member_join').dropColumn('username').execute();
  await db.schema.dropTable('raid_label').execute();
  await db.schema.dropTable('lockdown').execute();
  await db.schema.alterTable('guild_config').dropColumn('lockdown').execute();
}
