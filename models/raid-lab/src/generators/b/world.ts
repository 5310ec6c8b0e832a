import type { JoinTraceEvent } from '@chat-guard/join-trace';
import type { IdMint } from './ids.ts';

/** A Discord account as a join shows it; `createdMs` is what its id encodes. */
export interface Account {
  readonly userId: string;
  readonly createdMs: number;
  readonly username: string;
  readonly globalName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
}

export interface Channels {
  readonly welcome: string;
  readonly general: string;
  readonly all: readonly string[];
}

/** Collects one guild's events; anything outside the trace's time span is dropped, as a recorder would miss it. */
export class World {
  readonly events: JoinTraceEvent[] = [];

  constructor(
    readonly guildId: string,
    readonly startMs: number,
    readonly endMs: number,
    readonly ids: IdMint,
    readonly channels: Channels,
  ) {}

  inTrace(ms: number): boolean {
    return ms >= this.startMs && ms < this.endMs;
  }

  join(ms: number, account: Account, inviteCode: string | null): void {
    if (!this.inTrace(ms)) return;
    const { userId, username, globalName, avatar, bot } = account;
    this.events.push({
      type: 'member.joined',
      ts: Math.floor(ms),
      guildId: this.guildId,
      userId,
      username,
      globalName,
      avatar,
      bot,
      inviteCode,
    });
  }

  leave(ms: number, userId: string): void {
    if (this.inTrace(ms))
      this.events.push({ type: 'member.left', ts: Math.floor(ms), guildId: this.guildId, userId });
  }

  say(ms: number, channelId: string, userId: string, content: string, mentionCount = 0): void {
    if (!this.inTrace(ms)) return;
    const ts = Math.floor(ms);
    const messageId = this.ids.at(ts);
    this.events.push({
      type: 'message.created',
      ts,
      guildId: this.guildId,
      channelId,
      userId,
      messageId,
      content,
      mentionCount,
    });
  }

  /** An invite made at `ms`; one made before the trace is listed at its start, as a standing invite. */
  invite(ms: number, code: string, inviterId: string | null, maxUses: number, maxAgeSec: number): void {
    if (ms >= this.endMs) return;
    const ts = Math.floor(Math.max(ms, this.startMs));
    this.events.push({
      type: 'invite.created',
      ts,
      guildId: this.guildId,
      code,
      inviterId,
      maxUses,
      maxAgeSec,
    });
  }
}
