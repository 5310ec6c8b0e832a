import { type Kysely, sql } from 'kysely';

// Moderators' tools: numbered cases per guild (the violation history moves into them, so the
// escalation counts manual warnings too), appeals on cases, bonus invites, and the settings
// for both; how an exact attribution was settled; who started a lockdown by hand.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('moderation_case_counter')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('moderation_case')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    /** The member acted on; null for a purge of anyone's messages. */
    .addColumn('user_id', 'text')
    /** The moderator, or `chat-guard` for the guards. */
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    /** The rule that matched (violation types, a lockdown), never message text. */
    .addColumn('rule', 'text')
    /** sha256 of the offending content, never the content. */
    .addColumn('evidence_hash', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    /** Whether it counts towards the escalation (Table 1); an accepted appeal clears it. */
    .addColumn('counts', 'boolean', (c) => c.notNull())
    /** The escalation's count and timeout end when the case was opened (automatic cases). */
    .addColumn('violation_count', 'integer')
    .addColumn('until', 'timestamptz')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    /** The audit entries (their idempotency keys) that record what was done. */
    .addColumn('audit_keys', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason_edited_by', 'text')
    .addColumn('reason_edited_at', 'timestamptz')
    .addPrimaryKeyConstraint('moderation_case_pk', ['guild_id', 'number'])
    .execute();
  await db.schema
    .createIndex('moderation_case_by_member')
    .on('moderation_case')
    .columns(['guild_id', 'user_id', 'created_at'])
    .execute();

  // The violations recorded so far become the first cases of their guilds, in time order.
  await sql`
    insert into moderation_case (guild_id, number, user_id, actor_id, action, reason, rule,
      evidence_hash, channel_id, message_id, counts, violation_count, until, audit_keys,
      idempotency_key, created_at)
    select guild_id, row_number() over (partition by guild_id order by occurred_at, id)::integer,
      user_id, 'chat-guard', action, array_to_string(types, ', '), array_to_string(types, ','),
      content_hash, channel_id, message_id, true, violation_count, timeout_until,
      array[
        'delete:' || substr(idempotency_key, 9),
        action || ':' || substr(idempotency_key, 9)
      ],
      idempotency_key, occurred_at
    from violation`.execute(db);
  await sql`
    insert into moderation_case_counter (guild_id, last_number)
    select guild_id, max(number) from moderation_case group by guild_id`.execute(db);
  await db.schema.dropTable('violation').execute();

  await db.schema
    .createTable('appeal')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('case_number', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    /** `open`, then `accepted` or `denied`. */
    .addColumn('status', 'text', (c) => c.notNull())
    /** sha256 and length of what the member wrote; the text itself goes to the moderators only. */
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addColumn('text_length', 'integer', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().unique())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_request_id', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addForeignKeyConstraint('appeal_case', ['guild_id', 'case_number'], 'moderation_case', [
      'guild_id',
      'number',
    ])
    .execute();
  // One open appeal per case, whatever the replicas do.
  await sql`create unique index appeal_one_open on appeal (guild_id, case_number) where status = 'open'`.execute(
    db,
  );
  await db.schema
    .createIndex('appeal_by_member')
    .on('appeal')
    .columns(['guild_id', 'user_id', 'submitted_at'])
    .execute();

  await db.schema
    .createTable('invite_bonus')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().unique())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('invite_bonus_by_member')
    .on('invite_bonus')
    .columns(['guild_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('member_join_inviter')
    .on('member_join')
    .columns(['guild_id', 'inviter_id', 'joined_at'])
    .execute();
  await db.schema.alterTable('member_join').addColumn('attribution_method', 'text').execute();

  await db.schema
    .alterTable('guild_config')
    .addColumn('moderation', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .alterTable('guild_config')
    .addColumn('invite_counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.alterTable('lockdown').addColumn('started_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lockdown').dropColumn('started_by').execute();
  await db.schema.alterTable('guild_config').dropColumn('invite_counts').execute();
  await db.schema.alterTable('guild_config').dropColumn('moderation').execute();
  await db.schema.alterTable('member_join').dropColumn('attribution_method').execute();
  await db.schema.dropIndex('member_join_inviter').execute();
  await db.schema.dropTable('invite_bonus').execute();
  await db.schema.dropTable('appeal').execute();
  await db.schema
    .createTable('violation')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('types', sql`text[]`, (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('violation_count', 'integer')
    .addColumn('timeout_until', 'timestamptz')
    .execute();
  await sql`
    insert into violation (guild_id, user_id, channel_id, message_id, types, content_hash, action,
      idempotency_key, occurred_at, violation_count, timeout_until)
    select guild_id, user_id, channel_id, message_id, string_to_array(rule, ','), evidence_hash,
      action, idempotency_key, created_at, violation_count, until
    from moderation_case where idempotency_key like 'verdict:%'`.execute(db);
  await db.schema
    .createIndex('violation_by_member')
    .on('violation')
    .columns(['guild_id', 'user_id', 'occurred_at'])
    .execute();
  await db.schema.dropTable('moderation_case').execute();
  await db.schema.dropTable('moderation_case_counter').execute();
}
