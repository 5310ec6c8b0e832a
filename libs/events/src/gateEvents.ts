import { z } from 'zod';
import { defineEvent } from './defineEvent.ts';
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
