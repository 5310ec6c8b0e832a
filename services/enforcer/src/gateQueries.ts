import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

// Read-only queries over the enforcer's gate steps, for the gateway (the gate alert's buttons)
// and the log-writer (the gate alert message). Only the enforcer writes `gate_step`; what
// others learn of a gate they tell it by event (`gate.alert_posted`).

/** What the gate alert's buttons need of a gate: whether it holds, and why it began. */
export async function gateForAnswer(db: Kysely<Database>, guildId: string, gateId: string) {
  return db
    .selectFrom('gate_step')
    .select(['status', 'score', 'reasons'])
    .where('gate_id', '=', gateId)
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
}

/** What the gate alert needs of a gate: how it stands, and where its alert was posted. */
export async function gateAlertView(db: Kysely<Database>, gateId: string) {
  return db
    .selectFrom('gate_step')
    .select(['status', 'ended_by', 'ended_at', 'alert_channel_id', 'alert_message_id'])
    .where('gate_id', '=', gateId)
    .executeTakeFirst();
}
