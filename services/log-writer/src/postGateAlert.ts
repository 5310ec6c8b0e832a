import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { gateAlertView } from '@chat-guard/enforcer/lockdowns';
import { type EventPayload, type GuildConfig, gateAlert } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { announceNews, postedAlert } from './alertNews.ts';
import { type AlertWebhookDeps, callAlertWebhook } from './alertWebhook.ts';
import { type GateAlert, gateAlertEmbed, gateButtons, gateFollowUp } from './gateAlertMessage.ts';
import { alertNonce } from './postLockdownAlert.ts';

export interface GateAlertDeps extends AlertWebhookDeps {
  /** Reads the enforcer's gate record (where the alert is, whether the gate ended). */
  readonly db: Kysely<Database>;
  /** Tells the enforcer where the alert was posted (publishes `gate.alert_posted`). */
  readonly announcePosted: (posted: EventPayload<'gate.alert_posted'>) => Promise<void>;
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
    alert.guildId,
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
  const row = await gateAlertView(deps.db, alert.gateId);
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
    // The gate record is the enforcer's: it keeps where the alert is. A redelivery before it has
    // posts again with the same enforced nonce, which Discord answers with this message.
    await deps.announcePosted({
      guildId: alert.guildId,
      gateId: alert.gateId,
      channelId: fallback,
      messageId: sent.id,
      postedAt: deps.now(),
    });
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
