import type { EventPayload } from '@chat-guard/events';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { VERIFY_BUTTON_ID } from './ensureGate.ts';
import type { GateDeps } from './gatekeeper.ts';
import { issueToken } from './verifyToken.ts';

export interface ButtonDeps extends GateDeps {
  readonly secret: string;
  /** Where the verify page is reached from members' browsers, e.g. `https://verify.example.org`. */
  readonly publicUrl: string;
}

/**
 * The Verify button: a private reply with a one-time link for the clicker's own waiting
 * verification, or why there is nothing to do. Other buttons are not the verifier's.
 */
export async function answerVerifyButton(
  deps: ButtonDeps,
  click: EventPayload<'interaction.created'>,
): Promise<'answered' | 'ignored'> {
  if (click.kind !== 'button' || click.customId !== VERIFY_BUTTON_ID) return 'ignored';
  const interaction = { id: click.interactionId, token: click.token };
  const pending = await deps.store.latestPending(click.guildId, click.userId);
  if (!pending) {
    await deps.discord.replyPrivately(interaction, 'You have nothing to verify here: you are already in.');
    return 'answered';
  }
  const { token } = issueToken(
    { guildId: click.guildId, userId: click.userId, joinedAt: Number(pending.joined_at) },
    deps.secret,
    deps.now(),
  );
  const url = `${deps.publicUrl.replace(/\/$/, '')}/verify/${token}`;
  await deps.discord.replyPrivately(
    interaction,
    'Here is your private link. It works once, for the next 10 minutes, and only for you. ' +
      'Do not share it.',
    [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Link, url, label: 'Open the check' }],
      },
    ],
  );
  return 'answered';
}
