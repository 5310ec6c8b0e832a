import type { JoinTraceEvent, TraceLabel } from '@chat-guard/join-trace';
import type { Episode } from '../scenario.ts';
import type { Account, Guild, GuildProfile } from './guild.ts';
import type { Ids } from './ids.ts';
import { clamp, DAY, HOUR, type Rng } from './rng.ts';

/** An account that joins in the trace. */
export interface Joiner extends Account {
  readonly avatar: string | null;
  readonly username: string;
  readonly globalName: string | null;
}

/** An event with the order it was made in, which breaks ties of `ts`. */
export interface Stamped {
  readonly ts: number;
  readonly seq: number;
  readonly e: JoinTraceEvent;
}

type EventType = JoinTraceEvent['type'];
type Fields<K extends EventType> = Omit<Extract<JoinTraceEvent, { type: K }>, 'type' | 'ts' | 'guildId'>;

/** One trace being drawn: the stream, the guild, the span [t0, t1] and what has been emitted so far. */
export class World {
  readonly events: Stamped[] = [];
  readonly labels: TraceLabel[] = [];
  private seq = 0;
  /** The raid crew's name, once the raiders are named. */
  crew = '';

  constructor(
    readonly r: Rng,
    readonly ids: Ids,
    readonly guild: Guild,
    readonly episode: Episode,
    readonly t0: number,
    readonly t1: number,
  ) {}

  get g(): GuildProfile {
    return this.guild.g;
  }
  get guildId(): string {
    return this.guild.guildId;
  }

  /** Adds an event whatever its time (guild lines). */
  push(e: JoinTraceEvent): void {
    this.events.push({ ts: e.ts, seq: this.seq++, e });
  }

  /** Adds an event at `ts` rounded to the ms, or nothing (false) when that falls outside the trace. */
  emit<K extends EventType>(ts: number, type: K, fields: Fields<K>): boolean {
    const t = Math.round(ts);
    if (t < this.t0 || t > this.t1) return false;
    // `fields` are those of `type`'s event, which TypeScript cannot follow through the spread
    this.push({ type, ts: t, guildId: this.guildId, ...fields } as unknown as JoinTraceEvent);
    return true;
  }
  emitJoin(ts: number, u: Joiner, code: string | null): boolean {
    return this.emit(ts, 'member.joined', {
      userId: u.id,
      username: u.username,
      globalName: u.globalName,
      avatar: u.avatar,
      bot: false,
      inviteCode: code,
    });
  }
  /** A message; its channel (when not given) and id are drawn even when it falls outside the trace. */
  emitMsg(
    ts: number,
    userId: string,
    content: string,
    mentionCount = 0,
    channelId: string | null = null,
  ): boolean {
    const channel = channelId ?? this.chatChannel();
    const messageId = this.ids.snow(Math.round(ts));
    return this.emit(ts, 'message.created', { channelId: channel, userId, messageId, content, mentionCount });
  }
  /** An invite; one made before the trace shows at its start. */
  emitInvite(ts: number, code: string, inviterId: string, maxUses: number, maxAgeSec: number): boolean {
    return this.emit(Math.max(this.t0, ts), 'invite.created', { code, inviterId, maxUses, maxAgeSec });
  }

  /** The guild's daily cycle at `t` (mean 1): a cosine in its main and second time zone. */
  cyc(t: number): number {
    const g = this.g;
    const h = t / HOUR;
    const c1 = 1 + g.amp * Math.cos((2 * Math.PI * (h + g.tz - g.peak)) / 24);
    const c2 = 1 + g.amp * Math.cos((2 * Math.PI * (h + g.tz2 - g.peak)) / 24);
    return (1 - g.w2) * c1 + g.w2 * c2;
  }
  /** Organic joins a second at `t`. */
  baseRate(t: number): number {
    return (this.g.dailyJoins / 86400) * this.cyc(t);
  }
  /** A long-standing member, Zipf-weighted. */
  poolMember(): Account {
    const cum = this.guild.poolCum;
    const x = this.r.f() * (cum[cum.length - 1] as number);
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.guild.pool[lo] as Account;
  }
  chatChannel(): string {
    return this.r.wpick(this.guild.channels);
  }
  /** P(default avatar) of an account of this age. */
  pDefault(ageMs: number): number {
    const d = ageMs / DAY;
    const p = d < 1 ? 0.8 : d < 7 ? 0.65 : d < 90 ? 0.5 : d < 365 ? 0.4 : 0.28;
    return clamp(p * this.g.defMult, 0.02, 0.97);
  }
}
