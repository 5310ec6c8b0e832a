import type { EventBus } from '@chat-guard/bus';
import type { DiscordPort, MessageSummary } from '@chat-guard/discord';
import type { EventPayload } from '@chat-guard/events';
import { type Hierarchy, hierarchyRefusal, type MemberAction } from './checkHierarchy.ts';
import { CommandRefused } from './commandRefused.ts';
import { describeDuration, MAX_TIMEOUT_MS, parseDuration } from './parseDuration.ts';

/** Who is who in a guild, from Discord (the gateway's cache, else REST). */
export interface MemberLookup {
  hierarchy(guildId: string, callerId: string, targetId: string): Promise<Hierarchy>;
  isBanned(guildId: string, userId: string): Promise<boolean>;
}

export interface ModerationCommandDeps {
  readonly bus: Pick<EventBus, 'publish'>;
  readonly members: MemberLookup;
  readonly discord: Pick<DiscordPort, 'listMessages'>;
  readonly now: () => number;
}

export interface ModerationCommand {
  readonly guildId: string;
  readonly channelId: string;
  readonly interactionId: string;
  readonly name: string;
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly userId: string;
  /** The interaction's webhook, for the enforcer's follow-up with the case number. */
  readonly reply: { readonly applicationId: string; readonly token: string } | null;
}

export const MODERATION_ACTIONS = new Set(['warn', 'timeout', 'kick', 'ban', 'unban', 'purge', 'note']);

const TWO_WEEKS_MS = 14 * 86_400_000;
/** Pages of 100 messages scanned at most for /purge: enough for one member's recent messages. */
const PURGE_PAGES = 5;

function text(command: ModerationCommand, name: string, fallback?: string): string {
  const value = command.options[name] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') throw new CommandRefused(`\`${name}\` is required.`);
  if (value.trim().length > 500) throw new CommandRefused(`\`${name}\` can be at most 500 characters.`);
  return value.trim();
}

function user(command: ModerationCommand, name: string): string {
  const value = command.options[name];
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value))
    throw new CommandRefused(`\`${name}\` must be a member of this server.`);
  return value;
}

function whole(
  command: ModerationCommand,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const value = command.options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new CommandRefused(`\`${name}\` must be a whole number from ${min} to ${max}.`);
  return value;
}

/**
 * The messages /purge deletes: the newest `count` of the channel (of one member, when given),
 * leaving out pinned ones and those Discord's bulk delete refuses (two weeks old or more).
 * `pages` are newest first, as Discord lists them.
 */
export function pickPurge(
  pages: readonly (readonly MessageSummary[])[],
  options: { count: number; userId: string | null; nowMs: number },
): { ids: string[]; tooOld: boolean } {
  const ids: string[] = [];
  let tooOld = false;
  for (const message of pages.flat()) {
    if (ids.length >= options.count) break;
    if (options.nowMs - message.createdAt >= TWO_WEEKS_MS - 60_000) {
      tooOld = true;
      break;
    }
    if (message.pinned || (options.userId !== null && message.authorId !== options.userId)) continue;
    ids.push(message.id);
  }
  return { ids, tooOld };
}

/**
 * /warn, /timeout, /kick, /ban, /unban, /purge and /note: checks the arguments and, against
 * Discord, the role hierarchy (the caller's and the bot's), then asks the enforcer to act, in
 * one event. Returns the reply; the enforcer follows up with the case number.
 */
export async function runModeration(
  deps: ModerationCommandDeps,
  command: ModerationCommand,
): Promise<string> {
  const base = {
    guildId: command.guildId,
    moderatorId: command.userId,
    requestId: command.interactionId,
    requestedAt: deps.now(),
    reply: command.reply,
  };
  const publish = (request: EventPayload<'moderation.requested'>) =>
    deps.bus.publish('moderation.requested', request);
  const checkTarget = async (action: MemberAction, targetId: string) => {
    const refused = hierarchyRefusal(
      action,
      targetId,
      await deps.members.hierarchy(command.guildId, command.userId, targetId),
    );
    if (refused) throw new CommandRefused(`${refused} Nothing was done.`);
  };
  switch (command.name) {
    case 'warn':
    case 'kick': {
      const action = command.name;
      const userId = user(command, 'member');
      const reason = text(command, 'reason');
      await checkTarget(action, userId);
      await publish({ ...base, action, userId, reason });
      return `${action === 'warn' ? 'Warning' : 'Kicking'} <@${userId}>…`;
    }
    case 'note': {
      const userId = user(command, 'member');
      const reason = text(command, 'text');
      await checkTarget('note', userId);
      await publish({ ...base, action: 'note', userId, reason });
      return `Recording a note on <@${userId}>…`;
    }
    case 'timeout': {
      const userId = user(command, 'member');
      const raw = text(command, 'duration');
      const durationMs = parseDuration(raw);
      if (durationMs === null || durationMs < 60_000 || durationMs > MAX_TIMEOUT_MS)
        throw new CommandRefused(
          `\`duration\` must be from 1 minute to 28 days, like \`10m\`, \`2h\`, \`1d\` or \`1w\`; not "${raw.slice(0, 20)}".`,
        );
      const reason = text(command, 'reason');
      await checkTarget('timeout', userId);
      await publish({ ...base, action: 'timeout', userId, durationMs, reason });
      return `Timing <@${userId}> out for ${describeDuration(durationMs)}…`;
    }
    case 'ban': {
      const userId = user(command, 'member');
      const reason = text(command, 'reason');
      const days = whole(command, 'delete_days', 0, 7, 0);
      await checkTarget('ban', userId);
      await publish({ ...base, action: 'ban', userId, reason, deleteMessageSeconds: days * 86_400 });
      return `Banning <@${userId}>${days > 0 ? ` and deleting ${days} day${days === 1 ? '' : 's'} of their messages` : ''}…`;
    }
    case 'unban': {
      const userId = user(command, 'user');
      const reason = text(command, 'reason');
      if (!(await deps.members.isBanned(command.guildId, userId)))
        throw new CommandRefused(`<@${userId}> is not banned. Nothing was done.`);
      await publish({ ...base, action: 'unban', userId, reason });
      return `Unbanning <@${userId}>…`;
    }
    case 'purge': {
      const count = whole(command, 'count', 1, 100);
      const userId = command.options.member === undefined ? null : user(command, 'member');
      const reason = text(command, 'reason', 'purge');
      const pages: MessageSummary[][] = [];
      let before: string | undefined;
      for (let i = 0; i < PURGE_PAGES; i++) {
        const page = await deps.discord.listMessages(command.channelId, {
          limit: 100,
          ...(before ? { before } : {}),
        });
        pages.push(page);
        before = page.at(-1)?.id;
        if (page.length < 100 || pickPurge(pages, { count, userId, nowMs: deps.now() }).ids.length >= count)
          break;
      }
      const picked = pickPurge(pages, { count, userId, nowMs: deps.now() });
      if (picked.ids.length === 0)
        throw new CommandRefused(
          `No message${userId ? ` of <@${userId}>` : ''} to delete here${picked.tooOld ? ' under 14 days old (Discord deletes older ones one by one only)' : ''}. Nothing was done.`,
        );
      await publish({
        ...base,
        action: 'purge',
        userId,
        reason,
        channelId: command.channelId,
        messageIds: picked.ids,
      });
      const older =
        picked.tooOld && picked.ids.length < count
          ? ' (older ones are past the 14 days bulk delete allows)'
          : '';
      return `Deleting ${picked.ids.length} message${picked.ids.length === 1 ? '' : 's'}${userId ? ` of <@${userId}>` : ''}${older}…`;
    }
    default:
      throw new CommandRefused(`/${command.name} is not a moderators' action.`);
  }
}
