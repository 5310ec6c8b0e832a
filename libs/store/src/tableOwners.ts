import type { Database } from './schema.ts';

/**
 * The one service that writes each table. Another service that needs a change publishes an
 * event the owner acts on, and reads through a read-only query module the owner exports
 * (`@chat-guard/enforcer/cases`, `@chat-guard/enforcer/lockdowns`).
 */
export const TABLE_OWNERS: { readonly [T in keyof Database]: string } = {
  guild_config: 'gateway',
  moderation_case: 'enforcer',
  moderation_case_counter: 'enforcer',
  appeal: 'enforcer',
  invite_bonus: 'gateway',
  audit_log: 'log-writer',
  audit_anchor: 'log-writer',
  enforcement_action: 'enforcer',
  log_outbox: 'log-writer',
  campaign: 'gateway',
  member_join: 'invite-tracker',
  lockdown: 'enforcer',
  gate_step: 'enforcer',
  raid_label: 'enforcer',
  dashboard_profile: 'dashboard',
  verifier_guild: 'verifier',
  verification: 'verifier',
};
