import type { Interaction } from 'discord.js';
import type { Forwarder } from './forwarder.ts';

/** Publishes slash commands and button clicks, so other services (alerts, audits) can react. */
export function forwardInteraction(interaction: Interaction, forwarder: Forwarder): void {
  if (!interaction.inGuild() || !(interaction.isChatInputCommand() || interaction.isButton())) return;
  const command = interaction.isChatInputCommand();
  forwarder.forward('interaction.created', {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    interactionId: interaction.id,
    applicationId: interaction.applicationId,
    token: interaction.token,
    kind: command ? 'command' : 'button',
    commandName: command ? interaction.commandName : null,
    subcommand: command ? interaction.options.getSubcommand(false) : null,
    options: {},
    customId: command ? null : interaction.customId,
    userId: interaction.user.id,
    memberRoleIds: [],
    memberPermissions: interaction.memberPermissions.bitfield.toString(),
    createdAt: interaction.createdTimestamp,
  });
}
