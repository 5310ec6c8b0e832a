import {
  ApplicationCommandOptionType,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  MessageFlags,
} from 'discord.js';
import type { CommandRequest } from './commands/runCommand.ts';

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

/** Answers a slash command privately: defers at once (Discord allows 3 s), then edits in the reply. */
export async function answerCommand(
  interaction: ChatInputCommandInteraction<'cached' | 'raw'>,
  run: (request: CommandRequest) => Promise<string>,
  onError: (err: unknown) => void,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    await interaction.editReply({
      content: (await run(commandRequest(interaction))).slice(0, 2000),
      allowedMentions: { parse: [] },
    });
  } catch (err) {
    onError(err);
    await interaction.editReply({
      content: 'Something went wrong on our side; nothing was changed. Please try again.',
    });
  }
}
