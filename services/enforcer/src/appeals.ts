import { createHash } from 'node:crypto';
import type { DiscordPort } from '@chat-guard/discord';
import type { EventPayload, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { type APIEmbed, ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import { type ActionOutcome, runOnce } from './actionLedger.ts';
import { appealDecisionId, mayAppeal } from './appealRules.ts';
import { type CaseRow, findCase, memberAppeals } from './caseQueries.ts';
import { linkAudit } from './caseStore.ts';
import type { AuditPayload } from './enforceVerdict.ts';
import type { GuildNames } from './guildNames.ts';
import { appealOutcomeNotice } from './memberNotice.ts';

export type AppealSubmitted = EventPayload<'appeal.submitted'>;
export type AppealDecided = EventPayload<'appeal.decided'>;

export interface AppealDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<
    DiscordPort,
    'sendMessage' | 'editMessage' | 'sendDirectMessage' | 'liftTimeout' | 'unbanMember'
  >;
  readonly guildNames: Pick<GuildNames, 'name'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  readonly now: () => number;
}

/** What became of an appeal event, for the service's log. */
export type AppealResult =
  | { readonly kind: 'posted' | 'accepted' | 'denied' }
  | { readonly kind: 'refused' | 'ignored'; readonly reason: string };

const UNIQUE_VIOLATION = '23505';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const time = (at: Date) => `<t:${Math.floor(at.getTime() / 1000)}:f>`;

/** The appeal as the moderators see it: the case, and what the member wrote. */
export function appealPost(found: CaseRow, text: string): { embeds: APIEmbed[]; components: unknown[] } {
  const by = found.actor_id === 'chat-guard' ? 'Chat Guard' : `<@${found.actor_id}>`;
  return {
    embeds: [
      {
        title: `Appeal of case #${found.number}`,
        description: text.slice(0, 4000),
        color: 0x9b59b6,
        fields: [
          { name: 'Member', value: `<@${found.user_id}>`, inline: true },
          { name: 'Action', value: found.action, inline: true },
          { name: 'By', value: by, inline: true },
          { name: 'Reason', value: found.reason.slice(0, 1024), inline: false },
          { name: 'Opened', value: time(found.created_at), inline: true },
        ],
        footer: { text: 'Chat Guard · Accept undoes the action' },
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Success,
            label: 'Accept',
            custom_id: appealDecisionId('accept', found.number),
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            label: 'Deny',
            custom_id: appealDecisionId('deny', found.number),
          },
        ],
      },
    ],
  };
}

/** A short, stable nonce for a key (Discord: at most 25 characters). */
function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

/**
 * Takes a member's appeal: checks the rules again (the gateway checked them when the form was
 * opened), records it (one open appeal per case), posts it with Accept and Deny to the
 * guild's appeal channel and audits it. An appeal Discord will not post is withdrawn.
 */
export async function submitAppeal(deps: AppealDeps, appeal: AppealSubmitted): Promise<AppealResult> {
  const key = `appeal:${appeal.requestId}`;
  const settings = deps.config(appeal.guildId).moderation;
  const found = await findCase(deps.db, appeal.guildId, appeal.caseNumber);
  let row = await appealByRequest(deps.db, appeal.requestId);
  if (!row) {
    const rules = mayAppeal(
      found && { number: found.number, userId: found.user_id, action: found.action },
      appeal.userId,
      await memberAppeals(deps.db, appeal.guildId, appeal.userId),
      settings,
      appeal.submittedAt,
    );
    if (!rules.ok) return refuse(deps, appeal, key, rules.reason);
    row = await insertAppeal(deps.db, appeal);
    if (!row) return refuse(deps, appeal, key, `an appeal of case #${appeal.caseNumber} is already open`);
  }
  const channelId = settings.appealChannelId;
  if (!found || channelId === null) {
    await withdraw(deps.db, row.id);
    return refuse(deps, appeal, key, 'appeals were turned off before it could be posted');
  }
  const posted = await runOnce(
    deps.db,
    { key: `${key}:post`, guildId: appeal.guildId, kind: 'appeal.post' },
    async () => {
      const message = await deps.discord.sendMessage(channelId, {
        ...appealPost(found, appeal.text),
        allowed_mentions: { parse: [] },
        nonce: nonceFor(key),
        enforce_nonce: true,
      } as Parameters<AppealDeps['discord']['sendMessage']>[1]);
      await deps.db
        .updateTable('appeal')
        .set({ channel_id: channelId, message_id: message.id })
        .where('id', '=', row.id)
        .execute();
    },
  );
  if (posted.status === 'failed') {
    await withdraw(deps.db, row.id);
    return refuse(deps, appeal, key, `the appeal channel refused it: ${posted.reason}`);
  }
  await linkAudit(deps.db, appeal.guildId, appeal.caseNumber, [key]);
  await deps.audit({
    guildId: appeal.guildId,
    action: 'appeal.submitted',
    actorId: appeal.userId,
    targetId: appeal.userId,
    reason: `appeal of case #${appeal.caseNumber}`,
    details: {
      caseNumber: appeal.caseNumber,
      textSha256: sha256(appeal.text),
      textLength: appeal.text.length,
    },
    idempotencyKey: key,
    at: deps.now(),
  });
  return { kind: 'posted' };
}

async function appealByRequest(db: Kysely<Database>, requestId: string) {
  return db.selectFrom('appeal').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

async function insertAppeal(db: Kysely<Database>, appeal: AppealSubmitted) {
  try {
    await db
      .insertInto('appeal')
      .values({
        guild_id: appeal.guildId,
        case_number: appeal.caseNumber,
        user_id: appeal.userId,
        status: 'open',
        text_hash: sha256(appeal.text),
        text_length: appeal.text.length,
        request_id: appeal.requestId,
        submitted_at: new Date(appeal.submittedAt),
      })
      .execute();
  } catch (err) {
    // Another open appeal of the case got there first (the one-open-per-case index).
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
    throw err;
  }
  return appealByRequest(db, appeal.requestId);
}

async function withdraw(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('appeal').where('id', '=', id).execute();
}

async function refuse(
  deps: AppealDeps,
  appeal: AppealSubmitted,
  key: string,
  reason: string,
): Promise<AppealResult> {
  await deps.audit({
    guildId: appeal.guildId,
    action: 'appeal.refused',
    actorId: appeal.userId,
    targetId: appeal.userId,
    reason: `appeal of case #${appeal.caseNumber} refused: ${reason}`.slice(0, 500),
    details: { caseNumber: appeal.caseNumber },
    idempotencyKey: key,
    at: deps.now(),
  });
  return { kind: 'refused', reason };
}

/**
 * Carries out a moderator's Accept or Deny, once: records the decision on the appeal (the
 * first decision wins), undoes the action on Accept (lifts the timeout, or unbans) and stops
 * the case counting (with the member's whole count when the guild resets it), tells the
 * member, takes the buttons off the post and audits it in the moderator's name.
 */
export async function decideAppeal(deps: AppealDeps, decision: AppealDecided): Promise<AppealResult> {
  const key = `appeal-decision:${decision.requestId}`;
  const accepted = decision.decision === 'accept';
  const decided = await deps.db
    .updateTable('appeal')
    .set({
      status: accepted ? 'accepted' : 'denied',
      decided_by: decision.moderatorId,
      decided_at: new Date(decision.decidedAt),
      decision_request_id: decision.requestId,
    })
    .where('guild_id', '=', decision.guildId)
    .where('case_number', '=', decision.caseNumber)
    .where((eb) => eb.or([eb('status', '=', 'open'), eb('decision_request_id', '=', decision.requestId)]))
    .returningAll()
    .executeTakeFirst();
  if (!decided) return { kind: 'ignored', reason: `no open appeal of case #${decision.caseNumber}` };
  const found = await findCase(deps.db, decision.guildId, decision.caseNumber);
  if (!found?.user_id) return { kind: 'ignored', reason: `case #${decision.caseNumber} names no member` };
  const member = found.user_id;
  const settings = deps.config(decision.guildId).moderation;

  let undone: string | null = null;
  let undoOutcome: ActionOutcome | null = null;
  if (accepted) {
    const why = `Appeal of case #${found.number} accepted by ${decision.moderatorId}`;
    const undo =
      found.action === 'timeout'
        ? {
            what: 'Your timeout is lifted.',
            run: () => deps.discord.liftTimeout(decision.guildId, member, why),
          }
        : found.action === 'ban'
          ? { what: 'You are unbanned.', run: () => deps.discord.unbanMember(decision.guildId, member, why) }
          : null;
    if (undo) {
      undoOutcome = await runOnce(
        deps.db,
        { key: `${key}:undo`, guildId: decision.guildId, kind: `appeal.undo_${found.action}` },
        undo.run,
      );
      if (undoOutcome.status === 'done') undone = undo.what;
    } else if (found.action === 'kick') undone = 'You may join again through an invite.';
    await deps.db
      .updateTable('moderation_case')
      .set({ counts: false })
      .where('guild_id', '=', decision.guildId)
      .where((eb) =>
        settings.appealResetsCount
          ? eb.and([eb('user_id', '=', member), eb('created_at', '<=', new Date(decision.decidedAt))])
          : eb('number', '=', found.number),
      )
      .execute();
  }

  const guildName = await deps.guildNames.name(decision.guildId);
  const told = await runOnce(
    deps.db,
    { key: `${key}:dm`, guildId: decision.guildId, kind: 'member.dm' },
    async () => {
      await deps.discord.sendDirectMessage(
        member,
        appealOutcomeNotice(guildName, found.number, accepted, undone),
      );
    },
  );
  const channelId = decided.channel_id;
  const messageId = decided.message_id;
  if (channelId && messageId) {
    await runOnce(deps.db, { key: `${key}:post`, guildId: decision.guildId, kind: 'appeal.post' }, () =>
      deps.discord.editMessage(channelId, messageId, {
        content: `${accepted ? 'Accepted' : 'Denied'} by <@${decision.moderatorId}>.`,
        components: [],
        allowed_mentions: { parse: [] },
      }),
    );
  }
  await linkAudit(deps.db, decision.guildId, found.number, [key]);
  await deps.audit({
    guildId: decision.guildId,
    action: accepted ? 'appeal.accepted' : 'appeal.denied',
    actorId: decision.moderatorId,
    targetId: member,
    reason: `appeal of case #${found.number} ${accepted ? 'accepted' : 'denied'}`,
    details: {
      caseNumber: found.number,
      ...(accepted ? { countReset: settings.appealResetsCount } : {}),
      ...(undoOutcome
        ? { undo: undoOutcome.status === 'done' ? 'done' : `refused: ${undoOutcome.reason}`.slice(0, 200) }
        : {}),
      dm: told.status === 'done' ? 'sent' : `refused: ${told.reason}`.slice(0, 200),
    },
    idempotencyKey: key,
    at: deps.now(),
  });
  return { kind: accepted ? 'accepted' : 'denied' };
}
