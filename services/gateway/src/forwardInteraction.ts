import type { Interaction } from 'discord.js';
import type { Forwarder } from './forwarder.ts';

/**
 * Publishes slash commands, button clicks and submitted modals, so other services (alerts,
 * audits, the verifier's Verify button and in-Discord check) can react.
 */
export function forwardInteraction(interaction: Interaction, forwarder: Forwarder): void {
  if (!interaction.inGuild()) return;
  if (!(interaction.isChatInputCommand() || interaction.isButton() || interaction.isModalSubmit())) return;
  const channelId = interaction.channelId;
  if (!channelId) return;
  const command = interaction.isChatInputCommand();
  const fields: Record<string, string> = {};
  if (interaction.isModalSubmit())
    for (const [id, data] of interaction.fields.fields)
      if ('value' in data && typeof data.value === 'string') fields[id] = data.value;
  forwarder.forward('interaction.created', {
    guildId: interaction.guildId,
    channelId,
    interactionId: interaction.id,
    applicationId: interaction.applicationId,
    token: interaction.token,
    kind: command ? 'command' : interaction.isModalSubmit() ? 'modal' : 'button',
    commandName: command ? interaction.commandName : null,
    subcommand: command ? interaction.options.getSubcommand(false) : null,
    options: {},
    customId: command ? null : interaction.customId,
    ...(interaction.isModalSubmit() ? { fields } : {}),
    userId: interaction.user.id,
    memberRoleIds: [],
    memberPermissions: interaction.memberPermissions.bitfield.toString(),
    createdAt: interaction.createdTimestamp,
  });
}
