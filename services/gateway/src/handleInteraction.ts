import {
  ApplicationCommandOptionType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { answerLockdownButton } from './answerLockdown.ts';
import { type CommandDeps, type CommandRequest, runCommand } from './commands/runCommand.ts';
import { LOCKDOWN_BUTTON_PREFIX, type LockdownClick } from './lockdownButton.ts';

type OptionValue = string | number | boolean;

/** Flattens a command's options (and its subcommand's) into name → value; ids for users, roles, channels. */
export function commandRequest(interaction: ChatInputCommandInteraction<'cached' | 'raw'>): CommandRequest {
  let data: readonly CommandInteractionOption[] = interaction.options.data;
  let subcommand: string | null = null;
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
    name: interaction.commandName,
    subcommand,
    options,
    userId: interaction.user.id,
    memberPermissions: interaction.memberPermissions.bitfield,
  };
}

/**
 * Answers what Chat Guard answers in a guild: its slash commands, and the buttons of its
 * lockdown alerts. `onError` hears of failures the member was told about (and any other).
 */
export async function answerInteraction(
  interaction: Interaction,
  deps: CommandDeps,
  onError: (err: unknown, what: string) => void,
): Promise<void> {
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
