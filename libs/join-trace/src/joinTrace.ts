import { z } from 'zod';

const snowflake = z.string().regex(/^\d{1,20}$/);
const ts = z.number().int().nonnegative();

const guildEvent = z.object({
  type: z.literal('guild'),
  ts,
  guildId: snowflake,
  memberCount: z.number().int().nonnegative(),
  vanityCode: z.string().nullable(),
});
const inviteCreated = z.object({
  type: z.literal('invite.created'),
  ts,
  guildId: snowflake,
  code: z.string().min(1),
  inviterId: snowflake.nullable(),
  maxUses: z.number().int().nonnegative(),
  maxAgeSec: z.number().int().nonnegative(),
});
const memberJoined = z.object({
  type: z.literal('member.joined'),
  ts,
  guildId: snowflake,
  userId: snowflake,
  username: z.string(),
  globalName: z.string().nullable(),
  avatar: z.string().nullable(),
  bot: z.boolean(),
  inviteCode: z.string().nullable(),
});
const memberLeft = z.object({ type: z.literal('member.left'), ts, guildId: snowflake, userId: snowflake });
const messageCreated = z.object({
  type: z.literal('message.created'),
  ts,
  guildId: snowflake,
  channelId: snowflake,
  userId: snowflake,
  messageId: snowflake,
  content: z.string(),
  mentionCount: z.number().int().nonnegative(),
});
const label = z.object({
  type: z.enum(['raid', 'surge']),
  guildId: snowflake,
  start: ts,
  end: ts,
  family: z.string(),
});

const EVENT_SCHEMAS = {
  guild: guildEvent,
  'invite.created': inviteCreated,
  'member.joined': memberJoined,
  'member.left': memberLeft,
  'message.created': messageCreated,
} as const;

export type GuildTraceEvent = z.infer<typeof guildEvent>;
export type InviteCreatedEvent = z.infer<typeof inviteCreated>;
export type MemberJoinedEvent = z.infer<typeof memberJoined>;
export type MemberLeftEvent = z.infer<typeof memberLeft>;
export type MessageCreatedEvent = z.infer<typeof messageCreated>;
/** One line of a join trace (`JOIN_TRACE.md`). */
export type JoinTraceEvent =
  | GuildTraceEvent
  | InviteCreatedEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | MessageCreatedEvent;
/** One line of a labels file: a window that should (raid) or must not (surge) be locked down. */
export type TraceLabel = z.infer<typeof label>;

/** A line of a trace or labels file that is not what the format says. */
export class TraceFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`line ${line}: ${message}`, options);
    this.name = 'TraceFormatError';
  }
}

function parseLines<T>(
  text: string,
  parseOne: (value: Record<string, unknown>, line: number) => T | null,
): T[] {
  const out: T[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new TraceFormatError(index + 1, 'not JSON', { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TraceFormatError(index + 1, 'not a JSON object');
    const parsed = parseOne(value as Record<string, unknown>, index + 1);
    if (parsed !== null) out.push(parsed);
  });
  return out;
}

/** Reads a join trace; unknown event types are skipped and unknown fields dropped, as the format asks. */
export function parseJoinTrace(text: string): JoinTraceEvent[] {
  let lastTs = -1;
  return parseLines(text, (value, line) => {
    const schema = EVENT_SCHEMAS[value.type as keyof typeof EVENT_SCHEMAS];
    if (!schema) return null;
    const result = schema.safeParse(value);
    if (!result.success)
      throw new TraceFormatError(
        line,
        result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    if (result.data.ts < lastTs) throw new TraceFormatError(line, `ts ${result.data.ts} goes back in time`);
    lastTs = result.data.ts;
    return result.data;
  });
}

/** Reads a labels file; unknown label types are skipped. */
export function parseLabels(text: string): TraceLabel[] {
  return parseLines(text, (value, line) => {
    if (value.type !== 'raid' && value.type !== 'surge') return null;
    const result = label.safeParse(value);
    if (!result.success) throw new TraceFormatError(line, result.error.message);
    return result.data;
  });
}

/** Writes events as JSON Lines in non-decreasing `ts` order (stable for equal times), fields in the documented order. */
export function formatJoinTrace(events: readonly JoinTraceEvent[]): string {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  return sorted.map((e) => `${JSON.stringify(EVENT_SCHEMAS[e.type].parse(e))}\n`).join('');
}

/** Writes labels as JSON Lines. */
export function formatLabels(labels: readonly TraceLabel[]): string {
  return labels.map((l) => `${JSON.stringify(label.parse(l))}\n`).join('');
}

/** The labels file that sits beside a trace: `raid.jsonl` → `raid.labels.jsonl`. */
export function labelsPathFor(tracePath: string): string {
  return tracePath.endsWith('.jsonl')
    ? `${tracePath.slice(0, -'.jsonl'.length)}.labels.jsonl`
    : `${tracePath}.labels.jsonl`;
}
