import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { EventPayload, GuildConfig, ModerationAction } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { MessageFlags } from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import { type ActionOutcome, runOnce } from './actionLedger.ts';
import { APPEALABLE_ACTIONS } from './appealRules.ts';
import { openCase } from './caseStore.ts';
import type { AuditPayload } from './enforceVerdict.ts';
import type { GuildNames } from './guildNames.ts';
import { actionNotice, notCarriedOutNotice } from './memberNotice.ts';

export type ModerationRequest = EventPayload<'moderation.requested'>;

export interface ModerationDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<
    DiscordPort,
    | 'timeoutMember'
    | 'kickMember'
    | 'banMember'
    | 'unbanMember'
    | 'deleteMessage'
    | 'bulkDeleteMessages'
    | 'sendDirectMessage'
    | 'followUpInteraction'
  >;
  readonly guildNames: Pick<GuildNames, 'name'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  readonly now: () => number;
}

/** The audit action of each moderator action. */
export const MODERATION_AUDIT_ACTIONS: Record<ModerationAction, string> = {
  warn: 'member.warn',
  timeout: 'member.timeout',
  kick: 'member.kick',
  ban: 'member.ban',
  unban: 'member.unban',
  purge: 'messages.purge',
  note: 'member.note',
};

/** The actions a member hears of by DM; kicks and bans before they happen (no DM reaches them after). */
const NOTIFIED = new Set<ModerationAction>(['warn', 'timeout', 'kick', 'ban']);
const NOTIFIED_FIRST = new Set<ModerationAction>(['kick', 'ban']);
/** Discord keeps an interaction's webhook for 15 minutes. */
const REPLY_WINDOW_MS = 15 * 60_000;

export interface ModerationResult {
  readonly caseNumber: number;
  readonly outcome: ActionOutcome;
  /** How the follow-up to the moderator went: sent, or why not. */
  readonly reply: 'sent' | 'none' | 'expired' | { readonly refused: string };
}

/**
 * Carries out a moderator's command once, whatever the redeliveries: opens its case, tells
 * the member by DM as the guild configures (before a kick or ban, after anything else), acts
 * through the action ledger, audits it in the moderator's name with the case number, and
 * tells the moderator the outcome in a private follow-up.
 */
export async function moderate(deps: ModerationDeps, request: ModerationRequest): Promise<ModerationResult> {
  const config = deps.config(request.guildId);
  const key = `moderation:${request.requestId}`;
  const action = request.action;
  const untilMs = action === 'timeout' ? request.requestedAt + request.durationMs : null;
  const caseNumber = await openCase(deps.db, {
    guildId: request.guildId,
    userId: request.userId,
    actorId: request.moderatorId,
    action,
    reason: request.reason,
    channelId: action === 'purge' ? request.channelId : null,
    counts: config.moderation.manualCasesCount && (action === 'warn' || action === 'timeout'),
    untilMs,
    details: caseDetails(request),
    auditKeys: [key],
    idempotencyKey: key,
    createdAt: request.requestedAt,
  });
  const why = `Case #${caseNumber} by ${request.moderatorId}: ${request.reason}`.slice(0, 500);

  const target = request.userId;
  const notify = config.moderation.dmMembers && NOTIFIED.has(action) && target !== null;
  const dmOnce = async (
    suffix: string,
    body: Parameters<ModerationDeps['discord']['sendDirectMessage']>[1],
  ) =>
    runOnce(deps.db, { key: `${key}:${suffix}`, guildId: request.guildId, kind: 'member.dm' }, async () => {
      if (target) await deps.discord.sendDirectMessage(target, body);
    });
  const notice = async () =>
    actionNotice({
      guildId: request.guildId,
      guildName: await deps.guildNames.name(request.guildId),
      action: action as 'warn' | 'timeout' | 'kick' | 'ban',
      reason: request.reason,
      caseNumber,
      untilMs,
      appealable: APPEALABLE_ACTIONS.has(action) && config.moderation.appealChannelId !== null,
    });

  let dm: ActionOutcome | null = null;
  if (notify && NOTIFIED_FIRST.has(action)) dm = await dmOnce('dm', await notice());
  const outcome = await runOnce(
    deps.db,
    { key, guildId: request.guildId, kind: MODERATION_AUDIT_ACTIONS[action] },
    () => perform(deps, request, untilMs, why),
  );
  if (notify && !NOTIFIED_FIRST.has(action) && outcome.status === 'done')
    dm = await dmOnce('dm', await notice());
  if (dm?.status === 'done' && outcome.status === 'failed')
    await dmOnce('dm-undone', notCarriedOutNotice(await deps.guildNames.name(request.guildId), caseNumber));

  const failed = outcome.status === 'failed';
  const auditAction = MODERATION_AUDIT_ACTIONS[action];
  await deps.audit({
    guildId: request.guildId,
    action: failed ? 'action.failed' : auditAction,
    actorId: request.moderatorId,
    targetId: target,
    reason: (failed ? `${auditAction} refused: ${outcome.reason}` : request.reason).slice(0, 500),
    details: {
      caseNumber,
      ...caseDetails(request),
      ...(untilMs === null ? {} : { until: new Date(untilMs).toISOString() }),
      ...(notify ? { dm: dmWord(dm) } : {}),
      ...(failed ? { attempted: auditAction } : {}),
    },
    idempotencyKey: key,
    at: deps.now(),
  });
  return {
    caseNumber,
    outcome,
    reply: await followUp(deps, request, summary(request, caseNumber, outcome, dm)),
  };
}

function caseDetails(request: ModerationRequest): Record<string, string | number> {
  switch (request.action) {
    case 'timeout':
      return { durationMinutes: Math.round(request.durationMs / 60_000) };
    case 'ban':
      return { deleteMessageSeconds: request.deleteMessageSeconds };
    case 'purge':
      return { channelId: request.channelId, messages: request.messageIds.length };
    default:
      return {};
  }
}

async function perform(
  deps: ModerationDeps,
  request: ModerationRequest,
  untilMs: number | null,
  why: string,
): Promise<void> {
  const { discord } = deps;
  switch (request.action) {
    case 'warn':
    case 'note':
      return; // a record (and a DM), nothing to do on Discord
    case 'timeout':
      return discord.timeoutMember(request.guildId, request.userId, untilMs ?? 0, why);
    case 'kick':
      return discord.kickMember(request.guildId, request.userId, why);
    case 'ban':
      return discord.banMember(request.guildId, request.userId, why, request.deleteMessageSeconds);
    case 'unban':
      return discord.unbanMember(request.guildId, request.userId, why);
    case 'purge': {
      const [only, ...more] = request.messageIds;
      if (only && more.length === 0) return discord.deleteMessage(request.channelId, only, why);
      return discord.bulkDeleteMessages(request.channelId, request.messageIds, why);
    }
  }
}

function dmWord(dm: ActionOutcome | null): string {
  if (dm === null) return 'not sent';
  return dm.status === 'done' ? 'sent' : `refused: ${dm.reason}`.slice(0, 200);
}

const DONE: Record<ModerationAction, string> = {
  warn: 'warned',
  timeout: 'timed out',
  kick: 'kicked',
  ban: 'banned',
  unban: 'unbanned',
  purge: 'purged',
  note: 'noted',
};

/** The moderator's reply once it is done, e.g. "Case #12: <@1> banned; they were told by DM." */
export function summary(
  request: ModerationRequest,
  caseNumber: number,
  outcome: ActionOutcome,
  dm: ActionOutcome | null,
): string {
  const who = request.userId ? `<@${request.userId}>` : 'anyone';
  if (outcome.status === 'failed')
    return `Case #${caseNumber}: Discord refused (${outcome.reason.slice(0, 300)}); nothing was done to ${who}.`;
  const told =
    dm === null
      ? ''
      : dm.status === 'done'
        ? ' They were told by DM.'
        : ' Their DMs are closed to me: not told.';
  if (request.action === 'purge') {
    const n = request.messageIds.length;
    return `Case #${caseNumber}: ${n} message${n === 1 ? '' : 's'}${request.userId ? ` of ${who}` : ''} deleted in <#${request.channelId}>.`;
  }
  if (request.action === 'note') return `Case #${caseNumber}: note on ${who} recorded.`;
  return `Case #${caseNumber}: ${who} ${DONE[request.action]}.${told}`;
}

async function followUp(
  deps: ModerationDeps,
  request: ModerationRequest,
  content: string,
): Promise<ModerationResult['reply']> {
  if (!request.reply) return 'none';
  if (deps.now() - request.requestedAt > REPLY_WINDOW_MS) return 'expired';
  try {
    await deps.discord.followUpInteraction(request.reply.applicationId, request.reply.token, {
      content,
      flags: MessageFlags.Ephemeral,
      allowed_mentions: { parse: [] },
    });
    return 'sent';
  } catch (err) {
    // The reply is a courtesy: the case and the audit entry stand whatever becomes of it.
    if (isDiscordRefused(err)) return { refused: err.message };
    throw err;
  }
}
