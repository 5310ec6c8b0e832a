import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { type GuildConfig, gateAlert } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { announceNews, postedAlert } from './alertNews.ts';
import { type AlertWebhookDeps, callAlertWebhook } from './alertWebhook.ts';
import { type GateAlert, gateAlertEmbed, gateButtons, gateFollowUp } from './gateAlertMessage.ts';
import { alertNonce } from './postLockdownAlert.ts';

export interface GateAlertDeps extends AlertWebhookDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<DiscordPort, 'sendMessage' | 'editMessage'>;
  readonly config: (guildId: string) => GuildConfig;
}

/** What became of a gate alert, for the log: the channel post, and the webhook call. */
export interface GateAlertReport {
  readonly channel: 'posted' | 'already-posted' | 'updated' | 'no-channel' | 'refused';
  readonly webhook: 'sent' | 'not-configured' | 'no-secret' | 'refused';
  readonly problems: string[];
}

/**
 * Posts a gate alert in the guild's alert channel (or the log channel) once, whatever the
 * redeliveries; when the gate ends, edits it (no buttons) and replies with who ended it. Then
 * calls the guild's lockdown webhook, as a lockdown alert does. Discord's refusal is reported,
 * not retried; a transient failure (Discord's or the webhook's) is thrown for a retry.
 */
export async function postGateAlert(deps: GateAlertDeps, alert: GateAlert): Promise<GateAlertReport> {
  const problems: string[] = [];
  let channel: GateAlertReport['channel'];
  try {
    channel = await postToChannel(deps, alert, problems);
  } catch (err) {
    if (!isDiscordRefused(err)) throw err;
    problems.push(err.message);
    channel = 'refused';
  }
  const call = { id: gateAlert.dedupeId(alert), type: 'gate.alert' as const, alert };
  const webhook = await callAlertWebhook(
    deps,
    deps.config(alert.guildId).lockdown.webhookUrl,
    call,
    problems,
  );
  return { channel, webhook, problems };
}

async function postToChannel(
  deps: GateAlertDeps,
  alert: GateAlert,
  problems: string[],
): Promise<GateAlertReport['channel']> {
  const config = deps.config(alert.guildId);
  const nonce = alertNonce(gateAlert.dedupeId(alert));
  const row = await deps.db
    .selectFrom('gate_step')
    .select(['status', 'ended_by', 'ended_at', 'alert_channel_id', 'alert_message_id'])
    .where('gate_id', '=', alert.gateId)
    .executeTakeFirst();
  const fallback = config.lockdown.alertChannelId ?? config.punishLogChannelId;

  if (alert.kind === 'started') {
    if (row?.alert_message_id) return 'already-posted';
    if (fallback === null) return 'no-channel';
    // Out of order: the gate may have ended before its start alert went out.
    const ended =
      row?.status === 'ended' ? { by: row.ended_by, at: row.ended_at?.getTime() ?? alert.at } : null;
    const sent = await deps.discord.sendMessage(fallback, {
      embeds: [gateAlertEmbed(alert, ended)],
      components: gateButtons(alert.gateId, ended !== null),
      allowed_mentions: { parse: [] },
      nonce,
      enforce_nonce: true,
    });
    await deps.db
      .updateTable('gate_step')
      .set({ alert_channel_id: fallback, alert_message_id: sent.id })
      .where('gate_id', '=', alert.gateId)
      .where('alert_message_id', 'is', null)
      .execute();
    return 'posted';
  }

  return announceNews(deps.discord, {
    original: postedAlert(row),
    fallback,
    edit: { embeds: [gateAlertEmbed(alert, { by: alert.by, at: alert.at })], components: [] },
    followUp: gateFollowUp(alert),
    nonce,
    problems,
  });
}
