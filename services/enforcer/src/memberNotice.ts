import type { RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { appealButtonId } from './appealRules.ts';

/** What a member is told by DM about an action on them. */
export interface ActionNotice {
  readonly guildId: string;
  readonly guildName: string;
  readonly action: 'warn' | 'timeout' | 'kick' | 'ban';
  readonly reason: string;
  readonly caseNumber: number;
  /** When a timeout ends (ms). */
  readonly untilMs?: number | null;
  /** Offer the Appeal button (the action is appealable and the guild takes appeals). */
  readonly appealable: boolean;
}

const time = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;

/** The DM about an action: what, where, why, the case, and an Appeal button when it may be appealed. */
export function actionNotice(notice: ActionNotice): RESTPostAPIChannelMessageJSONBody {
  const what = {
    warn: 'you were warned',
    timeout: notice.untilMs ? `you are timed out until ${time(notice.untilMs)}` : 'you were timed out',
    kick: 'you were removed from the server',
    ban: 'you were banned',
  }[notice.action];
  const lines = [
    `**${notice.guildName}**: ${what} (case #${notice.caseNumber}).`,
    `Reason: ${notice.reason}`,
  ];
  if (notice.appealable) lines.push('If you think this was a mistake, you can appeal.');
  return {
    content: lines.join('\n').slice(0, 2000),
    allowed_mentions: { parse: [] },
    ...(notice.appealable
      ? {
          components: [
            {
              type: ComponentType.ActionRow,
              components: [
                {
                  type: ComponentType.Button,
                  style: ButtonStyle.Primary,
                  label: 'Appeal',
                  custom_id: appealButtonId(notice.guildId, notice.caseNumber),
                },
              ],
            },
          ],
        }
      : {}),
  };
}

/** The DM sent when an announced kick or ban could not be carried out after all. */
export function notCarriedOutNotice(
  guildName: string,
  caseNumber: number,
): RESTPostAPIChannelMessageJSONBody {
  return {
    content: `**${guildName}**: the action of case #${caseNumber} announced above was not carried out after all.`,
    allowed_mentions: { parse: [] },
  };
}

/** The DM with a moderator's answer to an appeal. */
export function appealOutcomeNotice(
  guildName: string,
  caseNumber: number,
  accepted: boolean,
  undone: string | null,
): RESTPostAPIChannelMessageJSONBody {
  const content = accepted
    ? `**${guildName}**: your appeal of case #${caseNumber} was accepted.${undone ? ` ${undone}` : ''}`
    : `**${guildName}**: your appeal of case #${caseNumber} was denied.`;
  return { content, allowed_mentions: { parse: [] } };
}
