import { createHmac } from 'node:crypto';

/**
 * The secret one guild's webhook calls are signed with: derived from the deployment's secret and
 * the guild id, so one guild's receiver cannot verify (or forge) another guild's alerts.
 */
export function guildWebhookSecret(deploymentSecret: string, guildId: string): string {
  return createHmac('sha256', deploymentSecret)
    .update(`chat-guard webhook secret for guild ${guildId}`)
    .digest('hex');
}
