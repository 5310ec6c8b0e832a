import type { EventPayload } from '@chat-guard/events';
import { ButtonStyle, ComponentType, TextInputStyle } from 'discord-api-types/v10';
import type { ButtonDeps } from './answerVerifyButton.ts';
import { normaliseAnswer } from './challengeCode.ts';
import { renderChallengePng } from './challengeImage.ts';
import { DISCORD_CHECK_BUTTON_ID } from './ensureGate.ts';
import { passMember } from './gatekeeper.ts';
import { codeFor, openLink, type PageDeps, recordWrongAnswer } from './verifyFlow.ts';
import { issueToken } from './verifyToken.ts';

export const ANSWER_BUTTON_ID = 'verify:answer';
export const ANSWER_MODAL_ID = 'verify:modal';
export const DIGITS_INPUT_ID = 'digits';
const PICTURE = 'check.png';

type Deps = PageDeps & ButtonDeps;
type Interaction = EventPayload<'interaction.created'>;

/**
 * The in-Discord check for members who cannot open a browser: the picture in a private reply,
 * the answer in a modal. The same link token stands behind it (kept in Redis for the member),
 * so the same attempts, expiry and single use apply; there is no proof of work, since the
 * answer comes through the member's own Discord session.
 */
export async function answerDiscordCheck(
  deps: Deps,
  interaction: Interaction,
): Promise<'answered' | 'ignored'> {
  const reply = { id: interaction.interactionId, token: interaction.token };
  if (interaction.kind === 'button' && interaction.customId === DISCORD_CHECK_BUTTON_ID) {
    const pending = await deps.store.latestPending(interaction.guildId, interaction.userId);
    if (!pending) {
      await deps.discord.replyPrivately(reply, 'You have nothing to verify here: you are already in.');
      return 'answered';
    }
    const { token, claims } = issueToken(
      { guildId: interaction.guildId, userId: interaction.userId, joinedAt: Number(pending.joined_at) },
      deps.secret,
      deps.now(),
    );
    await deps.redis.saveDiscordCheck(
      interaction.guildId,
      interaction.userId,
      token,
      claims.expiresAt,
      deps.now(),
    );
    const code = await codeFor(deps, claims);
    await showPicture(deps, reply, code, 'Type the 4 digits of this picture: press **Answer** when ready.');
    return 'answered';
  }
  if (interaction.kind === 'button' && interaction.customId === ANSWER_BUTTON_ID) {
    await deps.discord.showModal(reply, {
      custom_id: ANSWER_MODAL_ID,
      title: 'Verify',
      components: [
        {
          type: ComponentType.Label,
          label: 'The 4 digits in the picture',
          component: {
            type: ComponentType.TextInput,
            custom_id: DIGITS_INPUT_ID,
            style: TextInputStyle.Short,
            min_length: 4,
            max_length: 16,
            required: true,
          },
        },
      ],
    });
    return 'answered';
  }
  if (interaction.kind === 'modal' && interaction.customId === ANSWER_MODAL_ID) {
    const judged = await judgeModal(deps, interaction);
    if (judged.retryWith) await showPicture(deps, reply, judged.retryWith, judged.text);
    else await deps.discord.replyPrivately(reply, judged.text);
    return 'answered';
  }
  return 'ignored';
}

/** What to answer a submitted modal: words, or words and a new picture (the token to draw it for). */
async function judgeModal(
  deps: Deps,
  interaction: Interaction,
): Promise<{ text: string /** The new code to draw. */; retryWith?: string }> {
  const text = (words: string) => ({ text: words });
  const token = await deps.redis.discordCheck(interaction.guildId, interaction.userId);
  if (!token) return text('This check has expired. Press **No browser? Verify here** again for a new one.');
  const opened = await openLink(deps, token);
  if (opened.kind === 'refused')
    return text(
      'This check is no longer open. Press **No browser? Verify here** again if you still need to.',
    );
  const { claims, row } = opened;
  if (await deps.redis.countTry(claims.nonce, `discord:${interaction.userId}`))
    return text('Too many tries. Please wait ten minutes.');
  const answer = normaliseAnswer(interaction.fields?.[DIGITS_INPUT_ID] ?? '');
  if (answer !== (await codeFor(deps, claims))) {
    const outcome = await recordWrongAnswer(deps, claims, row);
    if (outcome === 'failed')
      return text('That was the last attempt. The moderators decide what happens next.');
    if (outcome === 'not-pending') return text('This check is no longer open.');
    return {
      text: 'Not quite. Here is a new picture: press **Answer** when ready.',
      retryWith: await codeFor(deps, claims),
    };
  }
  if (!(await deps.redis.spend(claims.nonce, claims.expiresAt, deps.now())))
    return text('This check was already used.');
  await passMember(deps, row, 'discord');
  return text('You are verified. Welcome!');
}

/** The picture travels as an attachment: Discord needs no way to the verify page to show it. */
async function showPicture(deps: Deps, reply: { id: string; token: string }, code: string, text: string) {
  await deps.discord.replyPrivately(
    reply,
    text,
    [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Primary,
            custom_id: ANSWER_BUTTON_ID,
            label: 'Answer',
          },
        ],
      },
    ],
    [
      {
        title: 'Verify',
        description: 'Four digits, each from 1 to 6.',
        image: { url: `attachment://${PICTURE}` },
      },
    ],
    [{ name: PICTURE, data: renderChallengePng(code) }],
  );
}
