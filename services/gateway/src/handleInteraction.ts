import { APPEAL_BUTTON_PREFIX, APPEAL_DECISION_PREFIX, APPEAL_FORM_PREFIX } from '@chat-guard/enforcer/cases';
import {
  ApplicationCommandOptionType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
} from 'discord.js';
import { answerGateButton } from './answerGate.ts';
import { answerLockdownButton } from './answerLockdown.ts';
import {
  APPEAL_TEXT_ID,
  type AppealInteractionDeps,
  type AppealOpening,
  decideAppealClick,
  openAppeal,
  submitAppealForm,
} from './appealInteractions.ts';
import { type CommandDeps, type CommandRequest, runCommand } from './commands/runCommand.ts';
import { isGateButton } from './gateButton.ts';
import { LOCKDOWN_BUTTON_PREFIX, type LockdownClick } from './lockdownButton.ts';

type OptionValue = string | number | boolean;

/** Flattens a command's options (and its group's and subcommand's) into name → value; ids for users, roles, channels. */
export function commandRequest(interaction: ChatInputCommandInteraction<'cached' | 'raw'>): CommandRequest {
  let data: readonly CommandInteractionOption[] = interaction.options.data;
  let group: string | null = null;
  let subcommand: string | null = null;
  if (data[0]?.type === ApplicationCommandOptionType.SubcommandGroup) {
    group = data[0].name;
    data = data[0].options ?? [];
  }
  const first = data[0];
  if (first?.type === ApplicationCommandOptionType.Subcommand) {
    subcommand = first.name;
    data = first.options ?? [];
  }
  const options: Record<string, OptionValue> = {};
  for (const option of data) {
    if (option.value !== undefined && option.value !== null) options[option.name] = option.value;
  }
  return {
    guildId: interaction.guildId,
    interactionId: interaction.id,
    channelId: interaction.channelId,
    reply: { applicationId: interaction.applicationId, token: interaction.token },
    name: interaction.commandName,
    group,
    subcommand,
    options,
    userId: interaction.user.id,
    memberPermissions: interaction.memberPermissions.bitfield,
  };
}

/**
 * Answers what Chat Guard answers: its slash commands, the buttons of its lockdown and gate
 * alerts and appeals, and the Appeal button and form of a member's DM (which have no guild around them).
 * `onError` hears of failures the member was told about (and any other).
 */
export async function answerInteraction(
  interaction: Interaction,
  deps: CommandDeps & AppealInteractionDeps,
  onError: (err: unknown, what: string) => void,
): Promise<void> {
  if (interaction.isButton() && interaction.customId.startsWith(APPEAL_BUTTON_PREFIX)) {
    await answerAppealButton(interaction, deps, (err) => onError(err, 'the Appeal button'));
    return;
  }
  if (interaction.isModalSubmit() && interaction.customId.startsWith(APPEAL_FORM_PREFIX)) {
    await answerAppealForm(interaction, deps, (err) => onError(err, 'the appeal form'));
    return;
  }
  if (!interaction.inGuild()) return;
  if (interaction.isChatInputCommand()) {
    const what = `/${interaction.commandName}`;
    await answerCommand(
      interaction,
      (request) => runCommand(deps, request),
      (err) => onError(err, what),
    );
  } else if (interaction.isButton() && interaction.customId.startsWith(LOCKDOWN_BUTTON_PREFIX)) {
    const what = `button ${interaction.customId}`;
    await answerButton(
      interaction,
      (click) => answerLockdownButton(deps, click),
      (err) => onError(err, what),
    );
  } else if (interaction.isButton() && isGateButton(interaction.customId)) {
    const what = `button ${interaction.customId}`;
    const gateDeps = { ...deps, config: (guildId: string) => deps.configs.get(guildId) };
    await answerButton(
      interaction,
      (click) => answerGateButton(gateDeps, click),
      (err) => onError(err, what),
    );
  } else if (interaction.isButton() && interaction.customId.startsWith(APPEAL_DECISION_PREFIX)) {
    const what = `button ${interaction.customId}`;
    await answerButton(
      interaction,
      (click) => decideAppealClick(deps, click),
      (err) => onError(err, what),
    );
  }
}

const SORRY = 'Something went wrong on our side; nothing was changed. Please try again.';

/** The Appeal button: the form (a modal must be the first answer), or privately why not. */
async function answerAppealButton(
  interaction: ButtonInteraction,
  deps: AppealInteractionDeps,
  onError: (err: unknown) => void,
): Promise<void> {
  let opening: AppealOpening;
  try {
    opening = await openAppeal(deps, { customId: interaction.customId, userId: interaction.user.id });
  } catch (err) {
    onError(err);
    opening = { kind: 'reply', content: SORRY };
  }
  if (opening.kind === 'modal') await interaction.showModal(opening.modal);
  else await interaction.reply({ content: opening.content, flags: MessageFlags.Ephemeral });
}

/** The appeal form submitted: checked, handed on, and answered privately. */
async function answerAppealForm(
  interaction: ModalSubmitInteraction,
  deps: AppealInteractionDeps,
  onError: (err: unknown) => void,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const content = await submitAppealForm(deps, {
      customId: interaction.customId,
      userId: interaction.user.id,
      text: interaction.fields.getTextInputValue(APPEAL_TEXT_ID),
      interactionId: interaction.id,
    });
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
  } catch (err) {
    onError(err);
    await interaction.editReply({ content: SORRY });
  }
}

/** What the gateway needs of a button click: where, who, with which permissions, on which button. */
export function buttonClick(
  interaction: ButtonInteraction<'cached' | 'raw'>,
): LockdownClick & { readonly userId: string; readonly interactionId: string } {
  return {
    guildId: interaction.guildId,
    customId: interaction.customId,
    memberPermissions: interaction.memberPermissions.bitfield,
    userId: interaction.user.id,
    interactionId: interaction.id,
  };
}

/** Answers a slash command privately: defers at once (Discord allows 3 s), then edits in the reply. */
export function answerCommand(
  interaction: ChatInputCommandInteraction<'cached' | 'raw'>,
  run: (request: CommandRequest) => Promise<string>,
  onError: (err: unknown) => void,
): Promise<void> {
  return answerPrivately(interaction, () => run(commandRequest(interaction)), onError);
}

/** Answers a button click privately, the same way: the clicker alone sees what will happen. */
export function answerButton(
  interaction: ButtonInteraction<'cached' | 'raw'>,
  run: (click: ReturnType<typeof buttonClick>) => Promise<string>,
  onError: (err: unknown) => void,
): Promise<void> {
  return answerPrivately(interaction, () => run(buttonClick(interaction)), onError);
}

async function answerPrivately(
  interaction: ChatInputCommandInteraction<'cached' | 'raw'> | ButtonInteraction<'cached' | 'raw'>,
  run: () => Promise<string>,
  onError: (err: unknown) => void,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    await interaction.editReply({
      content: (await run()).slice(0, 2000),
      allowedMentions: { parse: [] },
    });
  } catch (err) {
    onError(err);
    await interaction.editReply({
      content: 'Something went wrong on our side; nothing was changed. Please try again.',
    });
  }
}
