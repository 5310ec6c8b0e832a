import { type LockdownAnswer, lockdownAnswer, lockdownId } from '@chat-guard/events';
import { PermissionFlagsBits } from 'discord-api-types/v10';

/** The custom_id prefix of the buttons on a lockdown alert: `lockdown:<answer>:<lockdownId>`. */
export const LOCKDOWN_BUTTON_PREFIX = 'lockdown:';

export interface LockdownClick {
  readonly guildId: string;
  readonly customId: string;
  /** The clicker's computed permissions in the channel. */
  readonly memberPermissions: bigint;
}

/** A lockdown as the gateway sees it when an admin answers. */
export interface LockdownRecord {
  readonly status: 'active' | 'lifted';
  readonly quarantined: number;
}

export type ClickDecision =
  | { readonly kind: 'refuse'; readonly reply: string }
  | { readonly kind: 'answer'; readonly answer: LockdownAnswer; readonly lockdownId: string };

const has = (permissions: bigint, flag: bigint) => (permissions & flag) === flag;

/** Whether the member may give this answer: Administrator, or Manage Server plus Ban or Kick Members to confirm. */
export function mayAnswer(answer: LockdownAnswer, permissions: bigint): string | null {
  if (has(permissions, PermissionFlagsBits.Administrator)) return null;
  if (!has(permissions, PermissionFlagsBits.ManageGuild))
    return 'Only members with Administrator or Manage Server can answer a lockdown alert.';
  if (answer === 'confirm-ban' && !has(permissions, PermissionFlagsBits.BanMembers))
    return 'Banning the raiders needs Ban Members as well.';
  if (answer === 'confirm-kick' && !has(permissions, PermissionFlagsBits.KickMembers))
    return 'Kicking the raiders needs Kick Members as well.';
  return null;
}

/** Reads `lockdown:<answer>:<lockdownId>` and checks it belongs to the guild and the clicker may answer. */
export function decideLockdownClick(click: LockdownClick): ClickDecision {
  const [prefix, answerText, id, ...rest] = click.customId.split(':');
  const answer = lockdownAnswer.safeParse(answerText);
  const lockdown = lockdownId.safeParse(id);
  if (`${prefix}:` !== LOCKDOWN_BUTTON_PREFIX || rest.length > 0 || !answer.success || !lockdown.success) {
    return {
      kind: 'refuse',
      reply: `This button is not one Chat Guard understands (\`${click.customId.slice(0, 100)}\`); nothing was done.`,
    };
  }
  if (!lockdown.data.startsWith(`${click.guildId}-`))
    return { kind: 'refuse', reply: 'That alert belongs to another server; nothing was done.' };
  const refused = mayAnswer(answer.data, click.memberPermissions);
  if (refused) return { kind: 'refuse', reply: `${refused} Nothing was done.` };
  return { kind: 'answer', answer: answer.data, lockdownId: lockdown.data };
}

const accounts = (n: number) => `the ${n} quarantined account${n === 1 ? '' : 's'}`;

/** What an answer will do to this lockdown, in words, or why it cannot. */
export function describeAnswer(
  answer: LockdownAnswer,
  record: LockdownRecord | undefined,
): { ok: true; reply: string } | { ok: false; reply: string } {
  if (!record) return { ok: false, reply: 'There is no such lockdown on record; nothing was done.' };
  if (record.status === 'lifted' && (answer === 'lift' || answer === 'extend'))
    return { ok: false, reply: 'That lockdown is already lifted; nothing was done.' };
  const reply = {
    'confirm-ban': `Raid confirmed: Chat Guard will ban ${accounts(record.quarantined)}.`,
    'confirm-kick': `Raid confirmed: Chat Guard will kick ${accounts(record.quarantined)}.`,
    'false-alarm': `Marked as a false alarm: the lockdown will be lifted and ${accounts(record.quarantined)} released.`,
    extend: 'The lockdown will be held longer.',
    lift: `The lockdown will be lifted; ${accounts(record.quarantined)} stay timed out.`,
  }[answer];
  return { ok: true, reply };
}
