/** Where a member stands in a guild: what the role hierarchy compares. */
export interface MemberStanding {
  readonly userId: string;
  /** The position of their highest role (0: @everyone only). */
  readonly topRolePosition: number;
  readonly isAdministrator: boolean;
}

/** The three people a moderator's action involves, as the guild ranks them. */
export interface Hierarchy {
  readonly ownerId: string;
  readonly bot: MemberStanding;
  readonly caller: MemberStanding;
  /** Null when the target is not a member of the guild. */
  readonly target: MemberStanding | null;
}

export type MemberAction = 'warn' | 'timeout' | 'kick' | 'ban' | 'note';

const VERBS: Record<MemberAction, string> = {
  warn: 'warn',
  timeout: 'time out',
  kick: 'kick',
  ban: 'ban',
  note: 'put a note on',
};

/** The actions Discord itself carries out, so the bot must outrank the target too. */
const ON_DISCORD = new Set<MemberAction>(['timeout', 'kick', 'ban']);

/**
 * Why a moderator may not take this action on this member, or null when they may: Discord's
 * role hierarchy for the caller and (for what Discord carries out) for the bot, the owner's
 * immunity, and Discord's own rule that a member with Administrator cannot be timed out.
 * A note is a private record and needs only that the target is someone else.
 */
export function hierarchyRefusal(action: MemberAction, targetId: string, h: Hierarchy): string | null {
  const verb = VERBS[action];
  if (targetId === h.caller.userId) return `You cannot ${verb} yourself.`;
  if (targetId === h.bot.userId) return `I will not ${verb} myself.`;
  if (action === 'note') return null;
  const target = h.target;
  if (target === null) {
    // A ban may name anyone (it keeps them out); the rest need a member.
    return action === 'ban' ? null : `<@${targetId}> is not a member of this server.`;
  }
  if (targetId === h.ownerId) return 'Nobody can act on the server owner.';
  if (h.caller.userId !== h.ownerId && target.topRolePosition >= h.caller.topRolePosition)
    return 'You cannot act on a member whose top role is at or above yours.';
  if (!ON_DISCORD.has(action)) return null;
  if (target.topRolePosition >= h.bot.topRolePosition)
    return `I cannot ${verb} <@${targetId}>: their top role is at or above mine. Move my role above theirs first.`;
  if (action === 'timeout' && target.isAdministrator)
    return 'Discord does not let anyone time out a member with Administrator.';
  return null;
}
