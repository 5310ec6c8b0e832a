import type { EventBus } from '@chat-guard/bus';
import {
  APPEAL_BUTTON_PREFIX,
  APPEAL_FORM_PREFIX,
  appealFormId,
  caseAppeals,
  findCase,
  mayAppeal,
  memberAppeals,
  parseCaseRef,
  parseDecisionId,
} from '@chat-guard/enforcer/cases';
import type { GuildConfigCache } from '@chat-guard/guild-config';
import type { Database } from '@chat-guard/store';
import {
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  PermissionFlagsBits,
  TextInputStyle,
} from 'discord-api-types/v10';
import type { Kysely } from 'kysely';

export interface AppealInteractionDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly configs: Pick<GuildConfigCache, 'get'>;
  /** A guild's name, for DMs that have no guild around them ("the server" without it). */
  readonly guildName?: (guildId: string) => string;
  readonly now: () => number;
}

/** The text input of the appeal form. */
export const APPEAL_TEXT_ID = 'appeal-text';
const MIN_TEXT = 10;
const MAX_TEXT = 1000;

export type AppealOpening =
  | { readonly kind: 'modal'; readonly modal: APIModalInteractionResponseCallbackData }
  | { readonly kind: 'reply'; readonly content: string };

const nameOf = (deps: AppealInteractionDeps, guildId: string) => deps.guildName?.(guildId) ?? 'the server';

const NOT_OURS = 'This button is not one Chat Guard understands; nothing was done.';

/** Whether this member may appeal this case now, by the rules the enforcer applies again. */
async function check(deps: AppealInteractionDeps, guildId: string, caseNumber: number, userId: string) {
  const found = await findCase(deps.db, guildId, caseNumber);
  const verdict = mayAppeal(
    found && { number: found.number, userId: found.user_id, action: found.action },
    userId,
    await memberAppeals(deps.db, guildId, userId),
    deps.configs.get(guildId).moderation,
    deps.now(),
  );
  return { found, verdict };
}

/**
 * The Appeal button of a DM (no guild around it: the guild comes from the custom id, and the
 * case is looked up so that only its member can appeal it): the form, or why not.
 */
export async function openAppeal(
  deps: AppealInteractionDeps,
  click: { readonly customId: string; readonly userId: string },
): Promise<AppealOpening> {
  const ref = parseCaseRef(click.customId, APPEAL_BUTTON_PREFIX);
  if (!ref) return { kind: 'reply', content: NOT_OURS };
  const { found, verdict } = await check(deps, ref.guildId, ref.caseNumber, click.userId);
  if (!verdict.ok || !found) return { kind: 'reply', content: verdict.ok ? NOT_OURS : verdict.reason };
  const about = `${nameOf(deps, ref.guildId)} · ${found.action}: ${found.reason}`;
  return {
    kind: 'modal',
    modal: {
      custom_id: appealFormId(ref.guildId, ref.caseNumber),
      title: `Appeal of case #${ref.caseNumber}`,
      components: [
        {
          type: ComponentType.Label,
          label: 'Why should it be undone?',
          description: about.length > 100 ? `${about.slice(0, 99)}…` : about,
          component: {
            type: ComponentType.TextInput,
            custom_id: APPEAL_TEXT_ID,
            style: TextInputStyle.Paragraph,
            min_length: MIN_TEXT,
            max_length: MAX_TEXT,
            required: true,
          },
        },
      ],
    },
  };
}

/** The appeal form submitted: checked again, then handed to the enforcer; returns the reply. */
export async function submitAppealForm(
  deps: AppealInteractionDeps,
  submit: {
    readonly customId: string;
    readonly userId: string;
    readonly text: string;
    readonly interactionId: string;
  },
): Promise<string> {
  const ref = parseCaseRef(submit.customId, APPEAL_FORM_PREFIX);
  if (!ref) return 'This form is not one Chat Guard understands; nothing was sent.';
  const text = submit.text.trim();
  if (text.length < MIN_TEXT || text.length > MAX_TEXT)
    return `An appeal must be ${MIN_TEXT} to ${MAX_TEXT} characters; nothing was sent.`;
  const { verdict } = await check(deps, ref.guildId, ref.caseNumber, submit.userId);
  if (!verdict.ok) return `${verdict.reason} Nothing was sent.`;
  await deps.bus.publish('appeal.submitted', {
    guildId: ref.guildId,
    caseNumber: ref.caseNumber,
    userId: submit.userId,
    text,
    requestId: submit.interactionId,
    submittedAt: deps.now(),
  });
  return [
    `Your appeal of case #${ref.caseNumber} goes to the moderators of **${nameOf(deps, ref.guildId)}**.`,
    'You will be told of their answer by DM while we share a server; the Appeal button shows where it stands.',
  ].join('\n');
}

/** Who may answer an appeal: Administrator, or the permission the action's undoing needs. */
const DECIDERS: Record<string, { flag: bigint; name: string }> = {
  timeout: { flag: PermissionFlagsBits.ModerateMembers, name: 'Timeout Members' },
  kick: { flag: PermissionFlagsBits.KickMembers, name: 'Kick Members' },
  ban: { flag: PermissionFlagsBits.BanMembers, name: 'Ban Members' },
};

/** Accept or Deny in the appeal channel: moderators only; returns the (ephemeral) reply. */
export async function decideAppealClick(
  deps: AppealInteractionDeps,
  click: {
    readonly guildId: string;
    readonly customId: string;
    readonly userId: string;
    readonly memberPermissions: bigint;
    readonly interactionId: string;
  },
): Promise<string> {
  const ref = parseDecisionId(click.customId);
  if (!ref) return NOT_OURS;
  const found = await findCase(deps.db, click.guildId, ref.caseNumber);
  if (!found) return `There is no case #${ref.caseNumber} in this server; nothing was done.`;
  const decider = DECIDERS[found.action];
  const admin = (click.memberPermissions & PermissionFlagsBits.Administrator) !== 0n;
  if (!admin && (!decider || (click.memberPermissions & decider.flag) !== decider.flag))
    return `Only moderators with ${decider?.name ?? 'Administrator'} can answer this appeal. Nothing was done.`;
  if (found.user_id === click.userId) return 'You cannot answer your own appeal. Nothing was done.';
  const open = (await caseAppeals(deps.db, click.guildId, ref.caseNumber)).find((a) => a.status === 'open');
  if (!open) return `The appeal of case #${ref.caseNumber} was answered already; nothing was done.`;
  await deps.bus.publish('appeal.decided', {
    guildId: click.guildId,
    caseNumber: ref.caseNumber,
    decision: ref.decision,
    moderatorId: click.userId,
    requestId: click.interactionId,
    decidedAt: deps.now(),
  });
  if (ref.decision === 'deny')
    return `Denying the appeal of case #${ref.caseNumber}; <@${found.user_id}> will be told.`;
  const undo = { timeout: 'lifting the timeout', ban: 'lifting the ban', kick: 'they may join again' }[
    found.action
  ];
  return `Accepting the appeal of case #${ref.caseNumber}${undo ? `: ${undo}` : ''}; <@${found.user_id}> will be told.`;
}
