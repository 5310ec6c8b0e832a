import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface GuildConfigTable {
  guild_id: string;
  spam_guard: Generated<boolean>;
  bad_word_guard: Generated<boolean>;
  invite_guard: Generated<boolean>;
  link_guard: Generated<boolean>;
  mass_ping_guard: Generated<boolean>;
  character_limit: Generated<boolean>;
  filtered_words: Generated<string[]>;
  mute_duration_minute: Generated<number>;
  punish_log_channel_id: string | null;
  white_list_members: Generated<string[]>;
  white_list_roles: Generated<string[]>;
  white_list_channels: Generated<string[]>;
  spam_threshold: Generated<number>;
  spam_window_seconds: Generated<number>;
  mass_ping_threshold: Generated<number>;
  max_message_length: Generated<number>;
  allowed_domains: Generated<string[]>;
  violation_window_hours: Generated<number>;
  log_retention_days: Generated<number>;
  fake_account_age_days: Generated<number>;
  fake_leave_window_hours: Generated<number>;
  /** The lockdown profile (LockdownSettings), as JSON. */
  lockdown: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Moderators' settings (ModerationSettings), as JSON. */
  moderation: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Invite counts' settings (InviteCountSettings), as JSON. */
  invite_counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The member gate's settings (GateSettings), as JSON. */
  gate: ColumnType<Record<string, unknown>, string | undefined, string>;
  revision: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** A numbered case of one guild: every action, automatic or manual (owned by the enforcer). */
export interface ModerationCaseTable {
  guild_id: string;
  number: number;
  user_id: string | null;
  /** The moderator, or `chat-guard` for the guards. */
  actor_id: string;
  action: string;
  reason: string;
  rule: string | null;
  evidence_hash: string | null;
  channel_id: string | null;
  message_id: string | null;
  counts: boolean;
  violation_count: number | null;
  until: Date | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  audit_keys: Generated<string[]>;
  idempotency_key: string;
  created_at: Timestamp;
  reason_edited_by: string | null;
  reason_edited_at: Date | null;
}

export interface ModerationCaseCounterTable {
  guild_id: string;
  last_number: number;
}

/** A member's appeal of a case (owned by the enforcer). */
export interface AppealTable {
  id: Generated<string>;
  guild_id: string;
  case_number: number;
  user_id: string;
  status: 'open' | 'accepted' | 'denied';
  text_hash: string;
  text_length: number;
  request_id: string;
  submitted_at: Timestamp;
  channel_id: string | null;
  message_id: string | null;
  decided_by: string | null;
  decision_request_id: string | null;
  decided_at: Date | null;
}

/** Invites granted by hand (`/bonus-invites add`), owned by the gateway. */
export interface InviteBonusTable {
  id: Generated<string>;
  guild_id: string;
  user_id: string;
  amount: number;
  reason: string;
  granted_by: string;
  request_id: string;
  granted_at: Timestamp;
}

export interface AuditLogTable {
  guild_id: string;
  /** bigint comes back from pg as a string. */
  seq: ColumnType<string, string | number, never>;
  at: Timestamp;
  action: string;
  actor_id: string;
  target_id: string | null;
  reason: string;
  details: ColumnType<Record<string, unknown>, string, string>;
  idempotency_key: string;
  prev_hash: string;
  hash: string;
}

export interface AuditAnchorTable {
  guild_id: string;
  seq: ColumnType<string, string | number, string | number>;
  hash: string;
  updated_at: Timestamp;
}

export interface EnforcementActionTable {
  key: string;
  guild_id: string;
  kind: string;
  status: 'pending' | 'done' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: Date | null;
}

export interface LogOutboxTable {
  id: Generated<string>;
  guild_id: string;
  channel_id: string;
  embed: ColumnType<Record<string, unknown>, string, string>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  lease_until: Date | null;
  created_at: Timestamp;
}

export interface CampaignTable {
  id: Generated<string>;
  guild_id: string;
  name: string;
  invite_code: string;
  channel_id: string;
  created_by: string;
  created_at: Timestamp;
  ended_at: Date | null;
}

export interface MemberJoinTable {
  guild_id: string;
  user_id: string;
  joined_at: Timestamp;
  account_created_at: Timestamp;
  invite_code: string | null;
  inviter_id: string | null;
  confidence: string;
  campaign_id: string | null;
  left_at: Date | null;
  username: string | null;
  avatar: string | null;
  bot: Generated<boolean>;
  /** `uses` or `member-search` for an exact (or vanity) attribution; null otherwise. */
  attribution_method: string | null;
}

type Json<T> = ColumnType<T, string, string>;

export interface LockdownTable {
  /** `<guildId>-<startedAtMs>`, as the detector named it. */
  id: string;
  guild_id: string;
  /** `active` while it holds, `lifted` once restored. */
  status: 'active' | 'lifted';
  shadow: boolean;
  score: number;
  reasons: Json<string[]>;
  features: Json<Record<string, number>>;
  raid_window_start: Date;
  prior_state: Json<Record<string, unknown>> | null;
  steps: ColumnType<string[], string | undefined, string>;
  quarantined: ColumnType<string[], string | undefined, string>;
  invites_paused_until: Date | null;
  hold_until: Date | null;
  alert_channel_id: string | null;
  alert_message_id: string | null;
  started_at: Date;
  lifted_at: Date | null;
  lifted_by: string | null;
  /** The admin who started it with `/lockdown start`; null when the detector asked. */
  started_by: string | null;
}

/** A named, partial configuration an admin applies to the guilds they manage (the dashboard's). */
export interface DashboardProfileTable {
  owner_id: string;
  name: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RaidLabelTable {
  lockdown_id: string;
  guild_id: string;
  label: 'raid' | 'false-alarm';
  window_start: Date;
  window_end: Date;
  answer: string;
  labelled_by: string;
  labelled_at: Date;
}

/** The tables of the system of record. */
/** The member gate's Discord objects and raid gate, per guild (owned by the verifier). */
export interface VerifierGuildTable {
  guild_id: string;
  role_id: string | null;
  channel_id: string | null;
  message_id: string | null;
  gate_id: string | null;
  gate_started_at: Date | null;
  gate_ended_id: string | null;
  setup_error: string | null;
  setup_at: Date | null;
}

/** One newcomer's way through the member gate (owned by the verifier). */
export interface VerificationTable {
  guild_id: string;
  user_id: string;
  /** ms since the epoch, as the join event has it (a bigint column, read as a string). */
  joined_at: ColumnType<string, number, number>;
  status: 'admitted' | 'pending' | 'passed' | 'failed' | 'expired';
  reasons: ColumnType<string[], string | undefined, string>;
  gate_id: string | null;
  attempts: Generated<number>;
  deadline_at: Date | null;
  finished_at: Date | null;
  outcome: string | null;
  created_at: Generated<Date>;
}

export interface Database {
  guild_config: GuildConfigTable;
  moderation_case: ModerationCaseTable;
  moderation_case_counter: ModerationCaseCounterTable;
  appeal: AppealTable;
  invite_bonus: InviteBonusTable;
  audit_log: AuditLogTable;
  audit_anchor: AuditAnchorTable;
  enforcement_action: EnforcementActionTable;
  log_outbox: LogOutboxTable;
  campaign: CampaignTable;
  member_join: MemberJoinTable;
  lockdown: LockdownTable;
  raid_label: RaidLabelTable;
  verifier_guild: VerifierGuildTable;
  verification: VerificationTable;
  dashboard_profile: DashboardProfileTable;
}
