import type { EventBus } from '@chat-guard/bus';
import {
  grantBonusInvites,
  type InviteCount,
  inviteCountOf,
  inviteCounts,
  latestJoin,
} from '@chat-guard/campaigns';
import type { GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { CommandRefused } from './commandRefused.ts';

export interface InviteCountDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
}

export interface InviteCountCommand {
  readonly guildId: string;
  readonly interactionId: string;
  readonly name: string;
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly userId: string;
}

const PERIODS: Record<string, number | null> = { all: null, month: 30, week: 7, day: 1 };
const DAY_MS = 86_400_000;

function memberOption(command: InviteCountCommand, name: string, required: boolean): string | null {
  const value = command.options[name];
  if (value === undefined && !required) return null;
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value))
    throw new CommandRefused(`\`${name}\` must be a member of this server.`);
  return value;
}

/** "12 invites (14 regular, 2 left, 1 fake, 0 bonus)". */
export function describeCount(count: InviteCount): string {
  const pending =
    count.pending > 0
      ? `; ${count.pending} newer join${count.pending === 1 ? ' counts' : 's count'} once past the fake window`
      : '';
  return `**${count.total}** invite${count.total === 1 ? '' : 's'} (${count.regular} regular, ${count.left} left, ${count.fake} fake, ${count.bonus} bonus${pending})`;
}

/** How sure the tracker is of an attribution, in words: `exact (uses)`, `exact (member search)`… */
export function describeConfidence(confidence: string, method: string | null): string {
  if (confidence !== 'exact' && confidence !== 'vanity') return confidence;
  return method ? `${confidence} (${method === 'member-search' ? 'member search' : method})` : confidence;
}

/** `/invites [member]`, `/leaderboard [period]`, `/inviter member` and `/bonus-invites add`. */
export async function runInviteCountCommand(
  deps: InviteCountDeps,
  command: InviteCountCommand,
): Promise<string> {
  const config = deps.config(command.guildId);
  const rules = { accountAgeDays: config.fakeAccountAgeDays, leaveWindowHours: config.fakeLeaveWindowHours };
  const now = new Date(deps.now());
  switch (command.name) {
    case 'invites': {
      const member = memberOption(command, 'member', false) ?? command.userId;
      const count = await inviteCountOf(deps.db, { guildId: command.guildId, rules, now, inviterId: member });
      return `<@${member}> has ${describeCount(count)}.`;
    }
    case 'leaderboard': {
      const period = command.options.period ?? 'all';
      const days = typeof period === 'string' ? PERIODS[period] : undefined;
      if (days === undefined) throw new CommandRefused('`period` must be `all`, `month`, `week` or `day`.');
      const counts = await inviteCounts(deps.db, {
        guildId: command.guildId,
        rules,
        now,
        ...(days === null ? {} : { since: new Date(now.getTime() - days * DAY_MS) }),
      });
      const top = counts.filter((c) => c.total > 0 || c.pending > 0).slice(0, 10);
      const title = days === null ? 'all time' : `the last ${period}`;
      if (top.length === 0) return `Nobody has invites for ${title} yet.`;
      return [
        `**Invite leaderboard** (${title})`,
        ...top.map((c, i) => `${i + 1}. <@${c.inviterId}>: ${describeCount(c)}`),
      ].join('\n');
    }
    case 'inviter': {
      const member = memberOption(command, 'member', true) ?? '';
      const join = await latestJoin(deps.db, command.guildId, member);
      if (!join) return `Chat Guard has no record of how <@${member}> joined.`;
      const when = `<t:${Math.floor(join.joinedAt.getTime() / 1000)}:f>`;
      const how = describeConfidence(join.confidence, join.method);
      if (join.inviterId)
        return `<@${member}> joined ${when}, invited by <@${join.inviterId}>${join.inviteCode ? ` through discord.gg/${join.inviteCode}` : ''} · ${how}.`;
      if (join.confidence === 'vanity') return `<@${member}> joined ${when} through the vanity URL · ${how}.`;
      return `<@${member}> joined ${when}; who invited them is not known for sure (${how}).`;
    }
    case 'bonus-invites': {
      if (command.subcommand !== 'add') throw new CommandRefused('Say `add`.');
      const member = memberOption(command, 'member', true) ?? '';
      const amount = command.options.amount;
      if (typeof amount !== 'number' || !Number.isInteger(amount) || amount === 0 || Math.abs(amount) > 1000)
        throw new CommandRefused('`amount` must be a whole number from -1000 to 1000, not 0.');
      const given = command.options.reason;
      const reason =
        typeof given === 'string' && given.trim() !== '' ? given.trim().slice(0, 500) : 'bonus invites';
      const added = await grantBonusInvites(deps.db, {
        guildId: command.guildId,
        userId: member,
        amount,
        reason,
        grantedBy: command.userId,
        requestId: command.interactionId,
        at: now,
      });
      if (added)
        await deps.bus.publish('audit.recorded', {
          guildId: command.guildId,
          action: 'invites.bonus',
          actorId: command.userId,
          targetId: member,
          reason,
          details: { amount },
          idempotencyKey: `invites.bonus:${command.interactionId}`,
          at: deps.now(),
        });
      const count = await inviteCountOf(deps.db, { guildId: command.guildId, rules, now, inviterId: member });
      return `${amount > 0 ? 'Added' : 'Took back'} ${Math.abs(amount)} bonus invite${Math.abs(amount) === 1 ? '' : 's'}: <@${member}> now has ${describeCount(count)}.`;
    }
    default:
      throw new CommandRefused(`/${command.name} is not an invite command.`);
  }
}
