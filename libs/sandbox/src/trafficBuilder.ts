import type { JoinTraceEvent, TraceLabel } from '@chat-guard/join-trace';
import { chatLine, organicName } from './names.ts';
import type { Prng } from './prng.ts';
import { snowflakeAt } from './snowflake.ts';

/** What the generator needs to know of a guild it makes traffic for. */
export interface TrafficGuild {
  readonly guildId: string;
  /** Channels ordinary members chat in. */
  readonly channelIds: readonly string[];
  /** Members present before the traffic starts. */
  readonly memberIds: readonly string[];
  /** Members who create the guild's everyday invites (owner, staff). */
  readonly inviterIds: readonly string[];
  readonly vanityCode: string | null;
}

export const DAY_MS = 86_400_000;
const CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export interface Account {
  readonly userId: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly avatar: string | null;
}

/** Accumulates one guild's generated events, keeping ids unique and the member list current. */
export class TrafficBuilder {
  readonly events: JoinTraceEvent[] = [];
  readonly labels: TraceLabel[] = [];
  /** Members with the window they are in the guild (joins and leaves are generated ahead of time). */
  readonly #members = new Map<string, { since: number; until: number }>();
  readonly invites: string[] = [];
  #ids = 0;

  constructor(
    readonly guild: TrafficGuild,
    readonly rng: Prng,
    readonly usedIds: Set<string>,
    /** No event of this guild happens before this time. */
    readonly startMs: number,
  ) {
    for (const id of guild.memberIds) this.#members.set(id, { since: -Infinity, until: Infinity });
  }

  /** Members in the guild at `ts`. */
  membersAt(ts: number): string[] {
    return [...this.#members].filter(([, m]) => m.since <= ts && ts < m.until).map(([id]) => id);
  }

  /** A snowflake for a time that no other generated id has. */
  id(ms: number): string {
    for (;;) {
      const id = snowflakeAt(ms, (this.rng.int(0, 1023) << 12) | (this.#ids++ & 0xfff));
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  /** An organic-looking account created `ageMs` before `atMs`. */
  organicAccount(atMs: number, ageMs: number, avatarShare = 0.85): Account {
    const { username, globalName } = organicName(this.rng);
    return {
      userId: this.id(atMs - ageMs),
      username,
      globalName,
      avatar: this.rng.chance(avatarShare) ? this.rng.hex(32) : null,
    };
  }

  /** An organic account age: mostly months to years, sometimes days. */
  organicAgeMs(): number {
    if (this.rng.chance(0.08)) return this.rng.float(1, 30) * DAY_MS;
    return Math.exp(this.rng.float(Math.log(30), Math.log(8 * 365))) * DAY_MS;
  }

  /** Creates an invite at `ts` and returns its code. */
  invite(at: number, inviterId: string | null, maxUses = 0, maxAgeSec = 604800): string {
    const ts = Math.max(at, this.startMs);
    let code = '';
    for (let i = 0; i < 8; i++) code += this.rng.pick([...CODE_CHARS]);
    this.events.push({
      type: 'invite.created',
      ts,
      guildId: this.guild.guildId,
      code,
      inviterId,
      maxUses,
      maxAgeSec,
    });
    this.invites.push(code);
    return code;
  }

  join(ts: number, account: Account, inviteCode: string | null): void {
    this.events.push({
      type: 'member.joined',
      ts,
      guildId: this.guild.guildId,
      ...account,
      bot: false,
      inviteCode,
    });
    this.#members.set(account.userId, { since: ts, until: Infinity });
  }

  leave(ts: number, userId: string): void {
    const member = this.#members.get(userId);
    if (!member || member.until !== Infinity) return;
    member.until = ts;
    this.events.push({ type: 'member.left', ts, guildId: this.guild.guildId, userId });
  }

  message(ts: number, userId: string, content: string, channelId?: string): void {
    const present = this.rng.chance(0.1) ? this.membersAt(ts) : [];
    const mention = present.length > 1 ? this.rng.pick(present) : null;
    this.events.push({
      type: 'message.created',
      ts,
      guildId: this.guild.guildId,
      channelId: channelId ?? this.rng.pick(this.guild.channelIds),
      userId,
      messageId: this.id(ts),
      content: mention && mention !== userId ? `<@${mention}> ${content}` : content,
      mentionCount: mention && mention !== userId ? 1 : 0,
    });
  }

  /** A chat line from a random current member. */
  chat(ts: number): void {
    const present = this.membersAt(ts);
    if (present.length > 0) this.message(ts, this.rng.pick(present), chatLine(this.rng));
  }

  /** The invite an organic joiner uses: an everyday invite, sometimes the vanity URL, sometimes unknown. */
  organicInvite(): string | null {
    if (this.guild.vanityCode && this.rng.chance(0.15)) return 'vanity';
    // Only the guild's everyday invites (the first two), never an episode's.
    const everyday = this.invites.slice(0, 2);
    if (this.rng.chance(0.05) || everyday.length === 0) return null;
    return this.rng.pick(everyday);
  }
}
