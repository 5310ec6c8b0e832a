import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { epochMs, snowflake } from './ids.ts';

/** A lockdown's id: the guild and the moment the detector started it. */
export const lockdownId = z.string().regex(/^\d{1,20}-\d{1,15}$/, 'must be <guildId>-<startedAtMs>');

export const lockdownRequested = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    lockdownId,
    /** The model's raid score in 0..1 at the decision, and the threshold it crossed. */
    score: z.number().min(0).max(1),
    threshold: z.number().min(0).max(1),
    /** Why, in words an admin understands, strongest first. */
    reasons: z.array(z.string().max(200)).max(20),
    /** The feature vector that drove it, by feature name (each scaled 0..1). */
    features: z.record(z.string(), z.number()),
    featureVersion: z.number().int().positive(),
    joinsLastMinute: z.number().int().nonnegative(),
    /** The invite most of the recent joins came through, and their share. */
    topInvite: z.strictObject({ code: z.string(), share: z.number().min(0).max(1) }).nullable(),
    /** When the raid window before the trigger began. */
    raidWindowStart: epochMs,
    /** The accounts to quarantine: who joined in the raid window, and newcomers who posted spam. */
    suspectIds: z.array(snowflake).max(1000),
    requestedAt: epochMs,
    /** The admin who started it with `/lockdown start`; absent when the detector asked. Held until lifted. */
    requestedBy: snowflake.optional(),
  }),
  subject: (e) => `lockdown.${e.guildId}.requested`,
  filter: 'lockdown.*.requested',
  dedupeId: (e) => `lockdown.requested:${e.lockdownId}`,
});

export const lockdownLifted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    lockdownId,
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(200)).max(20),
    /** `detector` after the quiet period, or the admin who lifted it. */
    liftedBy: z.union([z.literal('detector'), snowflake]),
    /** Release the quarantined accounts (a false alarm) or keep them timed out. */
    release: z.boolean(),
    liftedAt: epochMs,
  }),
  subject: (e) => `lockdown.${e.guildId}.lifted`,
  filter: 'lockdown.*.lifted',
  dedupeId: (e) => `lockdown.lifted:${e.lockdownId}`,
});

/** What an admin answered on a lockdown alert (its buttons) or with `/lockdown`. */
export const lockdownAnswer = z.enum(['confirm-ban', 'confirm-kick', 'false-alarm', 'extend', 'lift']);
export type LockdownAnswer = z.infer<typeof lockdownAnswer>;

export const lockdownAnswered = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    lockdownId,
    answer: lockdownAnswer,
    moderatorId: snowflake,
    /** The interaction's id: one click, one effect. */
    requestId: snowflake,
    answeredAt: epochMs,
  }),
  subject: (e) => `lockdown.${e.guildId}.answered`,
  filter: 'lockdown.*.answered',
  dedupeId: (e) => `lockdown.answered:${e.requestId}`,
});

export const lockdownAlertKind = z.enum(['started', 'lifted', 'extended', 'confirmed', 'renewed']);

/** For the log-writer: post (or update) the alert in the alert channel and call the webhook. */
export const lockdownAlert = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    lockdownId,
    kind: lockdownAlertKind,
    /** Shadow mode: scored and alerted, nothing changed on Discord. */
    shadow: z.boolean(),
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(200)).max(20),
    joinsLastMinute: z.number().int().nonnegative(),
    topInvite: z.strictObject({ code: z.string(), share: z.number().min(0).max(1) }).nullable(),
    quarantined: z.number().int().nonnegative(),
    /** The profile's steps and how each went, e.g. `slowmode: 3 channels`, `verification: refused`. */
    steps: z.array(z.string().max(200)).max(50),
    /** Who answered, when `kind` follows an admin's answer. */
    by: z.string().nullable(),
    /** Until when the lockdown holds at least (extend), or null. */
    holdUntil: epochMs.nullable(),
    at: epochMs,
  }),
  subject: (e) => `audit.${e.guildId}.lockdown`,
  filter: 'audit.*.lockdown',
  dedupeId: (e) => `lockdown.alert:${e.lockdownId}:${e.kind}:${e.at}`,
});

/**
 * The log-writer posted a lockdown's alert: the enforcer, which owns the lockdown record, keeps
 * where, so later news edits that message.
 */
export const lockdownAlertPosted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    lockdownId,
    channelId: snowflake,
    messageId: snowflake,
    postedAt: epochMs,
  }),
  subject: (e) => `lockdown.${e.guildId}.alert_posted`,
  filter: 'lockdown.*.alert_posted',
  dedupeId: (e) => `lockdown.alert_posted:${e.lockdownId}`,
});
