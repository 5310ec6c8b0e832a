import { createHash } from 'node:crypto';
import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { lockdownAlertView } from '@chat-guard/enforcer/lockdowns';
import { type EventPayload, type GuildConfig, lockdownAlert } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { announceNews } from './alertNews.ts';
import { type AlertWebhookDeps, callAlertWebhook } from './alertWebhook.ts';
import {
  type AlertStatus,
  alertButtons,
  type LockdownAlert,
  lockdownAlertEmbed,
  lockdownFollowUp,
  statusAfter,
} from './lockdownAlertMessage.ts';

export interface LockdownAlertDeps extends AlertWebhookDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<DiscordPort, 'sendMessage' | 'editMessage'>;
  readonly config: (guildId: string) => GuildConfig;
  /** Tells the enforcer where the alert was posted (publishes `lockdown.alert_posted`). */
  readonly announcePosted: (posted: EventPayload<'lockdown.alert_posted'>) => Promise<void>;
}

/** What became of an alert, for the log: the channel post, and the webhook call. */
export interface AlertReport {
  readonly channel: 'posted' | 'already-posted' | 'updated' | 'no-channel' | 'refused';
  readonly webhook: 'sent' | 'not-configured' | 'no-secret' | 'refused';
  readonly problems: string[];
}

/** A stable nonce of at most 25 characters (Discord's limit), so a repeated send makes one message. */
export function alertNonce(dedupeId: string): string {
  return createHash('sha256').update(dedupeId).digest('base64url').slice(0, 25);
}

const RANK: Record<AlertStatus, number> = { active: 0, confirmed: 1, lifted: 2 };

/**
 * Posts a lockdown alert in the guild's alert channel (once, whatever the redeliveries: the
 * message is remembered on the lockdown and sent with an enforced nonce), edits the original
 * alert on later news, then calls the guild's webhook. A webhook that fails for now throws a
 * retryable error; the redelivery finds the alert posted and only calls the webhook again.
 */
export async function postLockdownAlert(deps: LockdownAlertDeps, alert: LockdownAlert): Promise<AlertReport> {
  const config = deps.config(alert.guildId);
  const dedupeId = lockdownAlert.dedupeId(alert);
  const problems: string[] = [];
  let channel: AlertReport['channel'];
  try {
    channel = await postToChannel(deps, alert, config, dedupeId, problems);
  } catch (err) {
    if (!isDiscordRefused(err)) throw err;
    problems.push(err.message);
    channel = 'refused';
  }
  const call = { id: dedupeId, type: 'lockdown.alert' as const, alert };
  const webhook = await callAlertWebhook(deps, config.lockdown.webhookUrl, alert.guildId, call, problems);
  return { channel, webhook, problems };
}

async function postToChannel(
  deps: LockdownAlertDeps,
  alert: LockdownAlert,
  config: GuildConfig,
  dedupeId: string,
  problems: string[],
): Promise<AlertReport['channel']> {
  const view = await lockdownAlertView(deps.db, alert.lockdownId);
  // News can arrive out of order: the message never goes back from lifted or confirmed.
  const known: AlertStatus = view?.lifted ? 'lifted' : view?.confirmed ? 'confirmed' : 'active';
  const implied = statusAfter(alert.kind);
  const status = RANK[known] > RANK[implied] ? known : implied;
  const message = {
    embeds: [lockdownAlertEmbed(alert, status)],
    components: alertButtons(alert.lockdownId, status),
  };

  if (alert.kind === 'started') {
    if (view?.alertMessage) return 'already-posted';
    const channelId = config.lockdown.alertChannelId ?? config.punishLogChannelId;
    if (channelId === null) return 'no-channel';
    const sent = await deps.discord.sendMessage(channelId, {
      ...message,
      allowed_mentions: { parse: [] },
      // One alert per lockdown, whatever the event: a start handled again (a redelivery, a
      // replica taking over) carries another time, and must not post a second alert.
      nonce: alertNonce(`lockdown.alert:${alert.lockdownId}:started`),
      enforce_nonce: true,
    });
    // The lockdown record is the enforcer's: it keeps where the alert is. A redelivery before it
    // has posts again with the same enforced nonce, which Discord answers with this message.
    await deps.announcePosted({
      guildId: alert.guildId,
      lockdownId: alert.lockdownId,
      channelId,
      messageId: sent.id,
      postedAt: deps.now(),
    });
    return 'posted';
  }

  return announceNews(deps.discord, {
    original: view?.alertMessage ?? null,
    fallback: config.lockdown.alertChannelId ?? config.punishLogChannelId,
    edit: message,
    followUp: lockdownFollowUp(alert),
    nonce: alertNonce(dedupeId),
    problems,
  });
}
