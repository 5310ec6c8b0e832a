import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { JoinTraceEvent } from '@chat-guard/join-trace';
import { JoinRejectedError } from './errors.ts';
import type { SandboxCore } from './sandboxCore.ts';
import { UserActionRejectedError, type UserActions } from './userActions.ts';

export interface PlayOptions {
  /** 1 plays in real time, 10 ten times faster; Infinity (default) as fast as possible. */
  readonly speed?: number;
  readonly signal?: AbortSignal;
  /** Called for each event the sandbox refused (e.g. a join while invites are paused, a message while timed out). */
  readonly onRejected?: (event: JoinTraceEvent, error: Error) => void;
}

/** How a playback went. */
export interface PlayStats {
  applied: number;
  /** Refused the way Discord would refuse them (paused invites, bans, timeouts, slowmode, kicked authors). */
  rejected: number;
}

/** What playback needs of a sandbox. */
export interface PlaybackTarget {
  readonly core: SandboxCore;
  readonly users: UserActions;
}

function ensureGuild(target: PlaybackTarget, guildId: string): void {
  if (!target.core.state.guilds[guildId]) target.core.createGuild(guildId);
}

/** A channel of the guild for a trace's channel id: the same id if it exists, else a public channel picked by the id. */
function channelFor(target: PlaybackTarget, guildId: string, channelId: string): string {
  const guild = target.core.guild(guildId);
  if (guild.channels[channelId]) return channelId;
  const everyone = Object.values(guild.channels).filter((c) => c.permissionOverwrites.length === 0);
  const pool = everyone.length ? everyone : Object.values(guild.channels);
  return pool[Number(BigInt(channelId) % BigInt(pool.length))]?.id ?? channelId;
}

/** Applies one trace event to the sandbox, as the users it describes would cause it. */
export function applyTraceEvent(target: PlaybackTarget, event: JoinTraceEvent): void {
  const { core, users } = target;
  ensureGuild(target, event.guildId);
  const guild = core.guild(event.guildId);
  switch (event.type) {
    case 'guild':
      if (event.vanityCode && guild.vanityCode !== event.vanityCode)
        users.setVanityCode(guild.id, event.vanityCode);
      return;
    case 'invite.created':
      if (!guild.invites[event.code]) {
        users.createInvite({
          guildId: guild.id,
          code: event.code,
          maxAge: event.maxAgeSec,
          maxUses: event.maxUses,
          ...(event.inviterId ? { inviterId: event.inviterId } : {}),
        });
      }
      return;
    case 'member.joined': {
      let code = event.inviteCode;
      if (code === 'vanity' && !guild.vanityCode)
        users.setVanityCode(guild.id, `${guild.name.replace(/\W+/g, '').toLowerCase()}`);
      if (code !== null && code !== 'vanity' && !guild.invites[code])
        code = users.createInvite({ guildId: guild.id, code }).code;
      users.addMember({
        guildId: guild.id,
        inviteCode: code,
        user: {
          id: event.userId,
          username: event.username,
          globalName: event.globalName,
          avatar: event.avatar,
          bot: event.bot,
        },
      });
      return;
    }
    case 'member.left':
      users.removeMember(guild.id, event.userId);
      return;
    case 'message.created':
      if (!guild.members[event.userId])
        throw new UserActionRejectedError(event.userId, 'not a member (left, kicked or banned)');
      users.postMessage({
        channelId: channelFor(target, guild.id, event.channelId),
        userId: event.userId,
        content: event.content,
      });
      return;
  }
}

/** Plays trace events into a running sandbox on a clock (shifted so the first event happens now). */
export async function playTrace(
  target: PlaybackTarget,
  events: readonly JoinTraceEvent[],
  options: PlayOptions = {},
): Promise<PlayStats> {
  const speed = options.speed ?? Infinity;
  const stats: PlayStats = { applied: 0, rejected: 0 };
  const firstTs = events[0]?.ts ?? 0;
  const started = Date.now();
  for (const [index, event] of events.entries()) {
    if (options.signal?.aborted) break;
    if (Number.isFinite(speed)) {
      const due = started + (event.ts - firstTs) / speed;
      const wait = due - Date.now();
      if (wait > 0) await sleepUnlessAborted(wait, options.signal);
      if (options.signal?.aborted) break;
    } else if (index % 200 === 199) {
      await yieldToLoop();
    }
    try {
      applyTraceEvent(target, event);
      stats.applied++;
    } catch (err) {
      if (!(err instanceof JoinRejectedError || err instanceof UserActionRejectedError)) throw err;
      stats.rejected++;
      options.onRejected?.(event, err);
    }
  }
  return stats;
}

function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
