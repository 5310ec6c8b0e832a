import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
import { gateSettingsSchema } from './guildConfig.ts';
import { epochMs, snowflake } from './ids.ts';

/** A gate's id: the guild and the moment the detector started it. */
export const gateId = z.string().regex(/^\d{1,20}-\d{1,15}$/, 'must be <guildId>-<startedAtMs>');

/**
 * The raid detector's gentle step: from now on newcomers to the guild must pass the member
 * gate (or, where the gate is off, meet a raised verification level). Existing members and
 * invites are untouched. `gate.ended` closes it.
 */
export const gateStarted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    gateId,
    /** The calibrated raid score in 0..1 at the decision, and the threshold it crossed. */
    score: z.number().min(0).max(1),
    threshold: z.number().min(0).max(1),
    /** Why, in words an admin understands, strongest first. */
    reasons: z.array(z.string().max(200)).max(20),
    /** The feature vector that drove it, by feature name. */
    features: z.record(z.string(), z.number()),
    featureVersion: z.number().int().positive(),
    joinsLastMinute: z.number().int().nonnegative(),
    startedAt: epochMs,
  }),
  subject: (e) => `gate.${e.guildId}.started`,
  filter: 'gate.*.started',
  dedupeId: (e) => `gate.started:${e.gateId}`,
});

export const gateEnded = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    gateId,
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(200)).max(20),
    /** `detector` after the quiet period, or the admin who ended it. */
    endedBy: z.union([z.literal('detector'), snowflake]),
    endedAt: epochMs,
  }),
  subject: (e) => `gate.${e.guildId}.ended`,
  filter: 'gate.*.ended',
  dedupeId: (e) => `gate.ended:${e.gateId}`,
});

export const gateAlertKind = z.enum(['started', 'ended']);

/**
 * For the log-writer: post the admin alert of a gate (with its Lock down now and End gate
 * buttons) and, when it ends, update it. The enforcer publishes it once it has taken the step.
 */
export const gateAlert = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    gateId,
    kind: gateAlertKind,
    /** The guild's gate mode when the gate started: whether the verifier or the level holds newcomers. */
    mode: gateSettingsSchema.shape.mode.unwrap(),
    score: z.number().min(0).max(1),
    reasons: z.array(z.string().max(200)).max(20),
    joinsLastMinute: z.number().int().nonnegative(),
    /** What the enforcer did, e.g. `verification level 1 → 3`, `verification level: refused (…)`. */
    step: z.string().max(300),
    /** Who ended it (`ended` only): `detector` or the admin. */
    by: z.string().nullable(),
    at: epochMs,
  }),
  subject: (e) => `audit.${e.guildId}.gate`,
  filter: 'audit.*.gate',
  dedupeId: (e) => `gate.alert:${e.gateId}:${e.kind}`,
});

/**
 * The log-writer posted a gate's alert: the enforcer, which owns the gate record, keeps where,
 * so the end of the gate edits that message.
 */
export const gateAlertPosted = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    gateId,
    channelId: snowflake,
    messageId: snowflake,
    postedAt: epochMs,
  }),
  subject: (e) => `gate.${e.guildId}.alert_posted`,
  filter: 'gate.*.alert_posted',
  dedupeId: (e) => `gate.alert_posted:${e.gateId}`,
});

/** The raid detector's protective level for a guild: nothing, the gentle step, or a lockdown. */
export const raidLevel = z.enum(['none', 'gate', 'lockdown']);
export type RaidLevel = z.infer<typeof raidLevel>;

/**
 * The raid detector's score for an active guild, published at most every 10 seconds while the
 * guild has joins in its window, so the dashboard can draw the score over time. Nothing acts on
 * it: `gate.started` and `lockdown.requested` are the decisions.
 */
export const raidScored = defineEvent({
  version: 1,
  schema: z.strictObject({
    guildId: snowflake,
    /** The calibrated raid score in 0..1. */
    score: z.number().min(0).max(1),
    /** The level in force after this score. */
    level: raidLevel,
    joinsLastMinute: z.number().int().nonnegative(),
    joinsLastTenMinutes: z.number().int().nonnegative(),
    /** The strongest reasons, in words an admin understands. */
    reasons: z.array(z.string().max(200)).max(5),
    scoredAt: epochMs,
  }),
  subject: (e) => `signal.${e.guildId}.raid.scored`,
  filter: 'signal.*.raid.scored',
  dedupeId: (e) => `raid.scored:${e.guildId}:${e.scoredAt}`,
});
