import { snowflakeTimestamp } from '@chat-guard/events';
import { GuildWindow } from './guildWindow.ts';

/** The join-trace events the detector reads (JOIN_TRACE.md); others are skipped. */
export type TraceEvent =
  | { type: 'guild'; ts: number; guildId: string; memberCount: number }
  | { type: 'invite.created'; ts: number; guildId: string; code: string; inviterId?: string | null }
  | {
      type: 'member.joined';
      ts: number;
      guildId: string;
      userId: string;
      username: string;
      avatar: string | null;
      inviteCode: string | null;
    }
  | { type: 'member.left'; ts: number; guildId: string; userId: string }
  | {
      type: 'message.created';
      ts: number;
      guildId: string;
      userId: string;
      content?: string;
      mentionCount?: number;
      mentionsEveryone?: boolean;
    }
  | { type: string; ts: number; guildId: string };

/** Every guild's window, created on first sight. */
export class GuildWindows {
  readonly #windows = new Map<string, GuildWindow>();

  get(guildId: string): GuildWindow {
    let window = this.#windows.get(guildId);
    if (!window) {
      window = new GuildWindow();
      this.#windows.set(guildId, window);
    }
    return window;
  }

  guilds(): string[] {
    return [...this.#windows.keys()];
  }

  /** Forgets every window: a feed that died left holes in them, so they are rebuilt from history. */
  clear(): void {
    this.#windows.clear();
  }

  /** Applies one trace event; unknown types are skipped, as the format allows. */
  apply(event: TraceEvent): void {
    const window = this.get(event.guildId);
    switch (event.type) {
      case 'guild':
        if ('memberCount' in event) window.memberCount = event.memberCount;
        return;
      case 'invite.created':
        if ('code' in event) window.addInvite(event.code, event.ts, event.inviterId ?? null);
        return;
      case 'member.joined':
        if ('username' in event) {
          window.addJoin({
            ts: event.ts,
            userId: event.userId,
            username: event.username,
            accountCreatedAt: snowflakeTimestamp(event.userId),
            defaultAvatar: event.avatar === null,
            inviteCode: event.inviteCode,
          });
        }
        return;
      case 'member.left':
        window.addLeave(event.ts);
        return;
      case 'message.created':
        if ('userId' in event) {
          window.addMessage({
            ts: event.ts,
            userId: event.userId,
            content: 'content' in event ? (event.content ?? '') : '',
            mentionCount: 'mentionCount' in event ? (event.mentionCount ?? 0) : 0,
            mentionsEveryone: 'mentionsEveryone' in event ? event.mentionsEveryone === true : false,
          });
        }
        return;
      default:
        return;
    }
  }
}
