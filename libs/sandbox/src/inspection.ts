import { EventEmitter } from 'node:events';

/** Kinds of things the bot did through the REST API. */
export type BotActionKind =
  | 'message.sent'
  | 'message.edited'
  | 'message.deleted'
  | 'messages.bulkDeleted'
  | 'member.timedOut'
  | 'member.timeoutRemoved'
  | 'member.updated'
  | 'member.kicked'
  | 'member.banned'
  | 'member.unbanned'
  | 'member.roleAdded'
  | 'member.roleRemoved'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'invite.created'
  | 'invite.deleted'
  | 'guild.updated'
  | 'guild.verificationLevel'
  | 'guild.incidentActions'
  | 'channel.created'
  | 'channel.updated'
  | 'channel.slowmode'
  | 'channel.permissions'
  | 'commands.overwritten'
  | 'interaction.responded'
  | 'interaction.followUp';

/** One action of the bot, with when it happened (sandbox clock) and the audit-log reason it gave. */
export interface BotAction {
  readonly seq: number;
  readonly at: number;
  readonly kind: BotActionKind;
  readonly guildId: string | null;
  readonly channelId?: string;
  readonly userId?: string;
  readonly messageIds?: readonly string[];
  readonly reason: string | null;
  /** Kind-specific details: embeds sent, the new slowmode, the timeout end, incident data… */
  readonly data: Readonly<Record<string, unknown>>;
}

export type BotActionInput = Omit<BotAction, 'seq' | 'at'>;

/** A filter over the action log; every given field must match. */
export interface ActionFilter {
  readonly kind?: BotActionKind;
  readonly guildId?: string;
  readonly channelId?: string;
  readonly userId?: string;
  /** Only actions at or after this time (ms). */
  readonly since?: number;
}

/** True when `action` matches every field of `filter`. */
export function matchesFilter(action: BotAction, filter: ActionFilter): boolean {
  return (
    (filter.kind === undefined || action.kind === filter.kind) &&
    (filter.guildId === undefined || action.guildId === filter.guildId) &&
    (filter.channelId === undefined || action.channelId === filter.channelId) &&
    (filter.userId === undefined || action.userId === filter.userId) &&
    (filter.since === undefined || action.at >= filter.since)
  );
}

/** No action matched in time. */
export class ActionTimeoutError extends Error {
  constructor(
    readonly filter: ActionFilter,
    readonly timeoutMs: number,
  ) {
    super(`no bot action matching ${JSON.stringify(filter)} within ${timeoutMs} ms`);
    this.name = 'ActionTimeoutError';
  }
}

/** The log of what the bot did; emits `action` for each new entry. */
export class ActionLog extends EventEmitter<{ action: [BotAction] }> {
  readonly #actions: BotAction[] = [];

  constructor(private readonly now: () => number) {
    super();
  }

  /** Appends an action and returns it as stored. */
  record(input: BotActionInput): BotAction {
    const action: BotAction = { ...input, seq: this.#actions.length + 1, at: this.now() };
    this.#actions.push(action);
    this.emit('action', action);
    return action;
  }

  /** Actions matching `filter`, oldest first. */
  list(filter: ActionFilter = {}): BotAction[] {
    return this.#actions.filter((a) => matchesFilter(a, filter));
  }

  /** Resolves with the first action (already logged or future) matching `filter`. */
  waitFor(filter: ActionFilter, timeoutMs = 5000): Promise<BotAction> {
    const existing = this.#actions.find((a) => matchesFilter(a, filter));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onAction = (action: BotAction): void => {
        if (!matchesFilter(action, filter)) return;
        clearTimeout(timer);
        this.off('action', onAction);
        resolve(action);
      };
      const timer = setTimeout(() => {
        this.off('action', onAction);
        reject(new ActionTimeoutError(filter, timeoutMs));
      }, timeoutMs);
      this.on('action', onAction);
    });
  }
}

/** One REST request the bot made, whatever came of it (a 404, a 429 and a 2xx all count). */
export interface RestCall {
  readonly at: number;
  readonly method: string;
  /** The path below `/api/v10`, with the ids in it. */
  readonly path: string;
  readonly status: number;
}

/** Every REST request to the API, in order: what `actions` leaves out (refusals, repeats that failed). */
export class RestCallLog {
  readonly #calls: RestCall[] = [];

  constructor(private readonly now: () => number) {}

  record(call: Omit<RestCall, 'at'>): void {
    this.#calls.push({ ...call, at: this.now() });
  }

  /** Calls at or after `since` (ms), oldest first. */
  list(since = 0): RestCall[] {
    return this.#calls.filter((c) => c.at >= since);
  }
}
