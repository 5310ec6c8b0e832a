import { type EventName, type EventPayload, eventMap, eventNameForSubject } from '@chat-guard/events';

/** What the browser's live views receive, one SSE event each. */
export type LiveEvent =
  | {
      readonly type: 'join';
      readonly at: number;
      readonly userId: string;
      readonly name: string;
      readonly bot: boolean;
    }
  | { readonly type: 'leave'; readonly at: number; readonly userId: string }
  | {
      readonly type: 'score';
      readonly at: number;
      readonly score: number;
      readonly level: string;
      readonly joinsLastMinute: number;
      readonly reasons: readonly string[];
    }
  | {
      readonly type: 'lockdown';
      readonly at: number;
      readonly kind: 'started' | 'lifted' | 'answered';
      readonly lockdownId: string;
      readonly detail: string;
    }
  | {
      readonly type: 'gate';
      readonly at: number;
      readonly kind: 'started' | 'ended';
      readonly reasons: readonly string[];
    }
  | {
      readonly type: 'audit';
      readonly at: number;
      readonly action: string;
      readonly actorId: string;
      readonly reason: string;
    };

/** The subjects one guild's live view follows, by stream (one filter per consumer, as NATS 2.9 allows). */
export function liveFilters(guildId: string): { stream: string; filter: string; replay: boolean }[] {
  return [
    { stream: 'DISCORD', filter: `discord.${guildId}.member.*`, replay: true },
    { stream: 'SIGNALS', filter: `signal.${guildId}.raid.scored`, replay: true },
    { stream: 'VERDICTS', filter: `lockdown.${guildId}.*`, replay: true },
    { stream: 'VERDICTS', filter: `gate.${guildId}.*`, replay: true },
    { stream: 'AUDIT', filter: `audit.${guildId}.recorded`, replay: false },
  ];
}

const typed = <N extends EventName>(name: N, data: unknown): EventPayload<N> | null => {
  const parsed = eventMap[name].schema.safeParse(data);
  return parsed.success ? (parsed.data as EventPayload<N>) : null;
};

/** A bus event as the browser sees it, or null for one the live views skip (or that is malformed). */
export function toLiveEvent(subject: string, data: unknown): LiveEvent | null {
  const name = eventNameForSubject(subject);
  switch (name) {
    case 'member.joined': {
      const e = typed(name, data);
      return (
        e && { type: 'join', at: e.joinedAt, userId: e.userId, name: e.globalName ?? e.username, bot: e.bot }
      );
    }
    case 'member.left': {
      const e = typed(name, data);
      return e && { type: 'leave', at: e.leftAt, userId: e.userId };
    }
    case 'raid.scored': {
      const e = typed(name, data);
      return (
        e && {
          type: 'score',
          at: e.scoredAt,
          score: e.score,
          level: e.level,
          joinsLastMinute: e.joinsLastMinute,
          reasons: e.reasons,
        }
      );
    }
    case 'lockdown.requested': {
      const e = typed(name, data);
      return (
        e && {
          type: 'lockdown',
          at: e.requestedAt,
          kind: 'started',
          lockdownId: e.lockdownId,
          detail: e.reasons.join('; '),
        }
      );
    }
    case 'lockdown.lifted': {
      const e = typed(name, data);
      return (
        e && {
          type: 'lockdown',
          at: e.liftedAt,
          kind: 'lifted',
          lockdownId: e.lockdownId,
          detail: `by ${e.liftedBy}`,
        }
      );
    }
    case 'lockdown.answered': {
      const e = typed(name, data);
      return (
        e && {
          type: 'lockdown',
          at: e.answeredAt,
          kind: 'answered',
          lockdownId: e.lockdownId,
          detail: e.answer,
        }
      );
    }
    case 'gate.started': {
      const e = typed(name, data);
      return e && { type: 'gate', at: e.startedAt, kind: 'started', reasons: e.reasons };
    }
    case 'gate.ended': {
      const e = typed(name, data);
      return e && { type: 'gate', at: e.endedAt, kind: 'ended', reasons: e.reasons };
    }
    case 'audit.recorded': {
      const e = typed(name, data);
      return e && { type: 'audit', at: e.at, action: e.action, actorId: e.actorId, reason: e.reason };
    }
    default:
      return null;
  }
}
