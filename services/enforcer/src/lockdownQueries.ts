import type { Database, LockdownTable } from '@chat-guard/store';
import type { Kysely, Selectable } from 'kysely';

// Read-only queries over the enforcer's lockdowns, for the gateway (/lockdown, the alert's
// buttons) and the log-writer (the alert message). Only the enforcer writes these tables;
// what others learn of a lockdown they tell it by event (`lockdown.alert_posted`).

export type LockdownView = Selectable<LockdownTable>;

/** The lockdown of a guild that has not been lifted, if any (one at a time). */
export async function activeLockdownOf(
  db: Kysely<Database>,
  guildId: string,
): Promise<LockdownView | undefined> {
  return db
    .selectFrom('lockdown')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('status', '<>', 'lifted')
    .executeTakeFirst();
}

/** One lockdown of a guild by id: its status and who it quarantined, for an answer to its alert. */
export async function lockdownOfGuild(
  db: Kysely<Database>,
  guildId: string,
  lockdownId: string,
): Promise<Pick<LockdownView, 'status' | 'quarantined'> | undefined> {
  return db
    .selectFrom('lockdown')
    .select(['status', 'quarantined'])
    .where('id', '=', lockdownId)
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
}

/** Where a lockdown's alert was posted, whether it is lifted, and whether an admin confirmed the raid. */
export interface LockdownAlertView {
  readonly lifted: boolean;
  readonly confirmed: boolean;
  readonly alertMessage: { readonly channelId: string; readonly messageId: string } | null;
}

export async function lockdownAlertView(
  db: Kysely<Database>,
  lockdownId: string,
): Promise<LockdownAlertView | undefined> {
  const row = await db
    .selectFrom('lockdown')
    .select(['status', 'alert_channel_id', 'alert_message_id'])
    .where('id', '=', lockdownId)
    .executeTakeFirst();
  if (!row) return undefined;
  const label = await db
    .selectFrom('raid_label')
    .select('label')
    .where('lockdown_id', '=', lockdownId)
    .where('label', '=', 'raid')
    .executeTakeFirst();
  return {
    lifted: row.status === 'lifted',
    confirmed: label !== undefined,
    alertMessage:
      row.alert_channel_id && row.alert_message_id
        ? { channelId: row.alert_channel_id, messageId: row.alert_message_id }
        : null,
  };
}
