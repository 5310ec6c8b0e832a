import type { JoinTraceEvent } from '@chat-guard/join-trace';
import { DAY_MS, FIRST_ACCOUNT_MS, type IdMint } from './ids.ts';
import { inviteCode, type Name } from './names.ts';
import type { Rng } from './rng.ts';
import type { GuildWorld } from './world.ts';

/** An account as a join shows it. */
export interface Account extends Name {
  readonly userId: string;
  readonly avatar: string | null;
  readonly bot: boolean;
}

/** Collects one guild's events; each emitter writes one line of the join trace. */
export class TraceBuilder {
  readonly events: JoinTraceEvent[] = [];
  /** Usernames are unique on Discord: a taken one gets digits, as Discord's own suggestions do. */
  readonly #usernames: Set<string>;

  constructor(
    readonly world: GuildWorld,
    readonly mint: IdMint,
  ) {
    this.#usernames = new Set(world.members.map((m) => m.username));
  }

  /** A new account created at `createdMs` (never before May 2015), its username made unique. */
  account(rng: Rng, createdMs: number, name: Name, avatar: string | null, bot = false): Account {
    let { username } = name;
    while (this.#usernames.has(username)) username = `${name.username.slice(0, 26)}${rng.int(0, 99_999)}`;
    this.#usernames.add(username);
    const userId = this.mint.at(Math.max(FIRST_ACCOUNT_MS, createdMs));
    return { userId, username, globalName: name.globalName, avatar, bot };
  }

  /** Creates an invite at `ts`; one made before the trace starts is listed at the start. */
  invite(
    rng: Rng,
    ts: number,
    inviterId: string | null,
    maxUses = 0,
    maxAgeSec = 0,
    code = inviteCode(rng),
  ): string {
    const at = Math.max(this.world.startMs, Math.floor(ts));
    this.events.push({
      type: 'invite.created',
      ts: at,
      guildId: this.world.guildId,
      code,
      inviterId,
      maxUses,
      maxAgeSec,
    });
    return code;
  }

  /** A short-lived invite a member makes `leadMs` before it is used at `useMs`. */
  memberInvite(rng: Rng, useMs: number, leadMs: number, inviterId: string): string {
    const maxAgeSec = rng.pick([1800, 3600, 21_600, 43_200, 86_400, 604_800]);
    const lead = Math.min(leadMs, maxAgeSec * 1000 * 0.9);
    return this.invite(rng, useMs - lead, inviterId, rng.pick([0, 0, 0, 1, 5, 10, 25]), maxAgeSec);
  }

  join(ts: number, a: Account, inviteCode: string | null): void {
    this.events.push({
      type: 'member.joined',
      ts: Math.floor(ts),
      guildId: this.world.guildId,
      userId: a.userId,
      username: a.username,
      globalName: a.globalName,
      avatar: a.avatar,
      bot: a.bot,
      inviteCode,
    });
  }

  leave(ts: number, userId: string): void {
    this.events.push({ type: 'member.left', ts: Math.floor(ts), guildId: this.world.guildId, userId });
  }

  message(rng: Rng, ts: number, userId: string, content: string, mentionCount = 0, channelId?: string): void {
    const at = Math.floor(ts);
    this.events.push({
      type: 'message.created',
      ts: at,
      guildId: this.world.guildId,
      channelId: channelId ?? rng.pick(this.world.channels),
      userId,
      messageId: this.mint.at(at),
      content,
      mentionCount,
    });
  }
}

/** Whether an account of this age keeps the default avatar, per the guild's age-dependent odds. */
export function keepsDefaultAvatar(rng: Rng, world: GuildWorld, ageMs: number): boolean {
  const { pNew, pOld, decayDays } = world.avatar;
  return rng.chance(pOld + (pNew - pOld) * Math.exp(-ageMs / DAY_MS / decayDays));
}
