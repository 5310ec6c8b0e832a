/** A JetStream stream, declared once here and provisioned by every service at start. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly description: string;
  /** 0 keeps messages without an age limit. */
  readonly maxAgeMs: number;
  /** Keep only the newest N messages of each subject; 0 for no such limit. */
  readonly maxMsgsPerSubject?: number;
  /** How long a `Nats-Msg-Id` is remembered, so a replayed event is stored once. */
  readonly duplicateWindowMs: number;
}

/**
 * A durable pull consumer that every replica of a service shares. (The anomaly-detector has
 * none: each of its replicas reads every signal through its own ordered consumer.)
 */
export interface ConsumerSpec {
  readonly durable: string;
  readonly stream: string;
  /** One subject filter (NATS 2.9 takes one per consumer); null for the whole stream. */
  readonly filter: string | null;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
  /** Delay before the n-th retry: `min(baseMs * 2^(n-1), maxMs)`. */
  readonly retry: { readonly baseMs: number; readonly maxMs: number };
  readonly maxAckPending: number;
}

export interface Topology {
  readonly streams: readonly StreamSpec[];
  readonly consumers: readonly ConsumerSpec[];
  readonly deadLetterStream: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEAD_LETTER_STREAM = 'DEADLETTER';

const retry = { baseMs: 500, maxMs: 30_000 };
const consumerDefaults = { maxDeliver: 8, ackWaitMs: 30_000, retry, maxAckPending: 1_000 };

/** The streams and consumers of Chat Guard: the single declaration `chat-guard streams` applies. */
export const topology: Topology = {
  streams: [
    {
      name: 'DISCORD',
      subjects: ['discord.>'],
      description: 'Discord events from the gateway',
      maxAgeMs: DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'VERDICTS',
      subjects: ['verdict.>', 'lockdown.>', 'gate.>'],
      description: 'Decisions for the enforcer',
      maxAgeMs: DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'FOLLOWUPS',
      subjects: ['followup.>'],
      // Kept as long as the audit: a follow-up waiting out an outage must not expire first.
      description: "What the enforcer owes after a deletion: the case, the member's notice, the audit",
      maxAgeMs: 7 * DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'SIGNALS',
      subjects: ['signal.>'],
      description: 'Attributed joins and rate signals',
      maxAgeMs: DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'AUDIT',
      subjects: ['audit.>'],
      description: 'Actions to record in the audit log',
      maxAgeMs: 7 * DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'CONFIG',
      subjects: ['config.>'],
      // The newest configuration of every guild, kept for good: services read it at start.
      description: 'The current configuration of each guild',
      maxAgeMs: 0,
      maxMsgsPerSubject: 1,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: 'VERIFICATION',
      subjects: ['verification.>'],
      description: "The member gate's outcomes, for the dashboard and alerts",
      maxAgeMs: 7 * DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
    {
      name: DEAD_LETTER_STREAM,
      subjects: ['deadletter.>'],
      description: 'Messages that could not be processed, with the reason',
      maxAgeMs: 30 * DAY,
      duplicateWindowMs: 15 * MINUTE,
    },
  ],
  consumers: [
    { durable: 'content-filter', stream: 'DISCORD', filter: 'discord.*.message.*', ...consumerDefaults },
    {
      durable: 'invite-tracker-members',
      stream: 'DISCORD',
      filter: 'discord.*.member.*',
      ...consumerDefaults,
    },
    {
      durable: 'invite-tracker-invites',
      stream: 'DISCORD',
      filter: 'discord.*.invite.*',
      ...consumerDefaults,
    },
    { durable: 'invite-tracker-guilds', stream: 'DISCORD', filter: 'discord.*.guild.*', ...consumerDefaults },
    {
      durable: 'invite-tracker-announcements',
      stream: 'SIGNALS',
      filter: 'signal.*.member.attributed',
      ...consumerDefaults,
    },
    { durable: 'enforcer', stream: 'VERDICTS', filter: null, ...consumerDefaults },
    { durable: 'enforcer-followups', stream: 'FOLLOWUPS', filter: null, ...consumerDefaults },
    { durable: 'log-writer', stream: 'AUDIT', filter: null, ...consumerDefaults },
    // The member gate: newcomers, the Verify button, and the raid detector's gate decisions.
    { durable: 'verifier-members', stream: 'DISCORD', filter: 'discord.*.member.*', ...consumerDefaults },
    {
      durable: 'verifier-interactions',
      stream: 'DISCORD',
      filter: 'discord.*.interaction.created',
      ...consumerDefaults,
    },
    { durable: 'verifier-gates', stream: 'VERDICTS', filter: 'gate.>', ...consumerDefaults },
  ],
  deadLetterStream: DEAD_LETTER_STREAM,
};

/** The consumers a service owns, by durable-name prefix. */
export function consumersOf(service: string, from: Topology = topology): ConsumerSpec[] {
  return from.consumers.filter((c) => c.durable === service || c.durable.startsWith(`${service}-`));
}
