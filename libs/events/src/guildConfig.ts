import { z } from 'zod';
import { snowflake } from './ids.ts';

/** Discord's longest timeout: 28 days. */
export const MAX_TIMEOUT_MINUTES = 28 * 24 * 60;

/** Discord's guild verification levels: none, low, medium, high, very high. */
export const verificationLevel = z.number().int().min(0).max(4);

/**
 * How a guild is locked down when the raid detector asks: a graduated profile, each step on
 * or off. `shadow` scores and alerts and changes nothing; `off` ignores the detector.
 */
export const lockdownSettingsSchema = z.strictObject({
  mode: z.enum(['enforce', 'shadow', 'off']).default('enforce'),
  /** Where alerts go; the log channel when unset. */
  alertChannelId: snowflake.nullable().default(null),
  /** The channels slowmode and the send ban apply to; every text channel when empty. */
  channels: z.array(snowflake).max(100).default([]),
  /** Slowmode in seconds during a lockdown; 0 leaves slowmode alone. */
  slowmodeSeconds: z.number().int().min(0).max(21_600).default(30),
  /** The verification level during a lockdown; null leaves it alone. */
  verificationLevel: verificationLevel.nullable().default(3),
  /** Pause invites (Discord's incident actions, renewed while the raid goes on). */
  pauseInvites: z.boolean().default(true),
  /** Pause DMs between members who are not friends (the other incident action), renewed alike. */
  pauseDms: z.boolean().default(false),
  /** Deny @everyone's Send Messages in the lockdown channels: the most disruptive step… */
  denySend: z.boolean().default(true),
  /**
   * …so it is taken only at or above this raid score. The score is calibrated, and the detector
   * asks for a lockdown only on strong evidence (newcomers posting spam, a batch of bought
   * accounts), so by default every lockdown it asks for denies Send Messages.
   */
  denySendMinScore: z.number().min(0).max(1).default(0.5),
  /** Time out the accounts that joined in the raid window, for this many minutes (0: no quarantine). */
  quarantineMinutes: z.number().int().min(0).max(MAX_TIMEOUT_MINUTES).default(60),
  /** An on-call tool to POST each alert to, signed with the guild's own secret (screened: `libs/outbound`). */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .default(null),
});

export type LockdownSettings = z.infer<typeof lockdownSettingsSchema>;

/** A name pattern: a JavaScript regular expression (case-insensitive) that must compile. */
const namePattern = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (p) => {
      try {
        new RegExp(p, 'iu');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  );

/**
 * Server entry validation: what makes a newcomer suspicious. Under the `rules` gate mode a
 * newcomer any check flags is gated; in every mode the flags travel with the gating.
 */
export const entryCheckSettingsSchema = z.strictObject({
  /** Accounts younger than this many days are flagged (0: off). */
  minAccountAgeDays: z.number().int().min(0).max(365).default(0),
  /** Accounts still on Discord's default avatar are flagged. */
  defaultAvatar: z.boolean().default(false),
  /** Usernames or display names matching any of these are flagged. */
  namePatterns: z.array(namePattern).max(50).default([]),
  /** Accounts gated in a raid, or that failed the gate, in any guild of this deployment are flagged. */
  seenInRaid: z.boolean().default(true),
});

export type EntryCheckSettings = z.infer<typeof entryCheckSettingsSchema>;

/**
 * The member gate: which newcomers must pass the verifier's challenge before they can take
 * part. `on-alert` gates them only while the raid detector's gentle step holds
 * (`gate.started` to `gate.ended`); `always` gates everyone; `rules` gates those the entry
 * checks flag; `off` never gates (the gentle step then raises the verification level).
 */
export const gateSettingsSchema = z.strictObject({
  mode: z.enum(['off', 'always', 'on-alert', 'rules']).default('on-alert'),
  /** Roles a member gets on passing, besides losing Unverified. */
  passRoleIds: z.array(snowflake).max(10).default([]),
  /** Wrong answers allowed before the failure action applies. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Time a gated member has to pass before the failure action applies. */
  timeoutMinutes: z.number().int().min(2).max(10_080).default(30),
  /** What failing (or timing out) does: `kick`, or `keep` the account Unverified. */
  failureAction: z.enum(['kick', 'keep']).default('kick'),
  entryChecks: entryCheckSettingsSchema.default(() => entryCheckSettingsSchema.parse({})),
  /** How long the keyed hash of a verifying client's address is kept for alt detection. */
  altWindowDays: z.number().int().min(1).max(90).default(7),
  /** This many accounts verifying from one address within the window are flagged (0: never). */
  altAccountLimit: z
    .union([z.literal(0), z.number().int().min(2).max(20)], { error: 'must be 0 (off) or from 2 to 20' })
    .default(2),
});

export type GateSettings = z.infer<typeof gateSettingsSchema>;

/**
 * What moderators' actions do besides acting: tell the member, count towards the escalation,
 * and let the member appeal.
 */
export const moderationSettingsSchema = z.strictObject({
  /** DM the member about a warning, timeout, kick or ban (with the case and, when on, an Appeal button). */
  dmMembers: z.boolean().default(true),
  /** Moderators' /warn and /timeout count towards the escalation (Table 1) like automatic violations. */
  manualCasesCount: z.boolean().default(true),
  /** Where appeals go, with Accept and Deny for the moderators; appeals are off while null. */
  appealChannelId: snowflake.nullable().default(null),
  /** A member may appeal once per this many hours (a denied case again after it). */
  appealCooldownHours: z.number().int().min(0).max(720).default(24),
  /** An accepted appeal also resets the member's violation count (the accepted case never counts). */
  appealResetsCount: z.boolean().default(true),
});

export type ModerationSettings = z.infer<typeof moderationSettingsSchema>;

/** Invite counts as members see them (`/invites`), and the optional join message. */
export const inviteCountSettingsSchema = z.strictObject({
  /** Where "X joined, invited by Y (N invites)" is posted; off while null. */
  joinMessageChannelId: snowflake.nullable().default(null),
});

export type InviteCountSettings = z.infer<typeof inviteCountSettingsSchema>;

/**
 * A guild's moderation settings: the paper's data model (Figure 2) in camelCase, with the
 * thresholds its guards need and the paper's recommended defaults (Appendix B). A missing
 * field takes its default; an unknown one is an error.
 */
export const guildConfigSchema = z.strictObject({
  spamGuard: z.boolean().default(true),
  badWordGuard: z.boolean().default(true),
  inviteGuard: z.boolean().default(true),
  linkGuard: z.boolean().default(false),
  massPingGuard: z.boolean().default(true),
  characterLimit: z.boolean().default(false),
  filteredWords: z.array(z.string().trim().min(1).max(100)).max(500).default([]),
  muteDurationMinute: z.number().int().min(1).max(MAX_TIMEOUT_MINUTES).default(60),
  punishLogChannelId: snowflake.nullable().default(null),
  whiteListMembers: z.array(snowflake).max(1000).default([]),
  whiteListRoles: z.array(snowflake).max(250).default([]),
  whiteListChannels: z.array(snowflake).max(500).default([]),
  spamThreshold: z.number().int().min(2).max(100).default(3),
  spamWindowSeconds: z.number().int().min(1).max(3600).default(5),
  massPingThreshold: z.number().int().min(1).max(100).default(5),
  maxMessageLength: z.number().int().min(1).max(4000).default(2000),
  allowedDomains: z.array(z.string().trim().toLowerCase().min(1)).max(500).default([]),
  violationWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
  logRetentionDays: z.number().int().min(1).max(3650).default(90),
  /** Campaign stats: an account younger than this when it joined counts as fake. */
  fakeAccountAgeDays: z.number().int().min(0).max(365).default(7),
  /** Campaign stats: a member gone within this many hours counts as fake; a join counts once past it. */
  fakeLeaveWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
  lockdown: lockdownSettingsSchema.default(() => lockdownSettingsSchema.parse({})),
  gate: gateSettingsSchema.default(() => gateSettingsSchema.parse({})),
  moderation: moderationSettingsSchema.default(() => moderationSettingsSchema.parse({})),
  inviteCounts: inviteCountSettingsSchema.default(() => inviteCountSettingsSchema.parse({})),
});

export type GuildConfig = z.infer<typeof guildConfigSchema>;
export type GuildConfigInput = z.input<typeof guildConfigSchema>;

/** The configuration of a guild nobody has configured yet. */
export function defaultGuildConfig(): GuildConfig {
  return guildConfigSchema.parse({});
}
