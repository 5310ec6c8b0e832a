import type { EventBus } from '@chat-guard/bus';
import type { DiscordPort } from '@chat-guard/discord';
import { announcePending, type GuildConfigCache, updateGuildConfig } from '@chat-guard/guild-config';
import {
  guildWebhookSecret,
  isUnsafeUrl,
  type OutboundPolicy,
  outboundPolicy,
  screenUrlNow,
} from '@chat-guard/outbound';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { ZodError } from 'zod';
import { type CampaignDeps, runCampaign } from './campaignCommand.ts';
import { runCaseCommand } from './caseCommand.ts';
import { type CommandInput, CommandRefused, decideCommand } from './decideCommand.ts';
import { describeGateStatus } from './gateCommand.ts';
import { runInviteCountCommand } from './inviteCountCommand.ts';
import { runLockdownQuery } from './lockdownCommand.ts';
import { type ModerationCommandDeps, runModeration } from './moderationCommand.ts';

export interface CommandDeps {
  readonly db: Kysely<Database>;
  readonly bus: EventBus;
  readonly configs: Pick<GuildConfigCache, 'get'>;
  /** Discord for /campaign, and the guild's channels, to check a channel option is one of them. */
  readonly discord: CampaignDeps['discord'] & Pick<DiscordPort, 'listChannels'>;
  /** What moderators' actions need of Discord: members and the role hierarchy, channel messages. */
  readonly moderation?: Pick<ModerationCommandDeps, 'members' | 'discord'>;
  readonly now: () => number;
  /** What alert webhooks may reach, and the secret each guild's is derived from (unset: strict, none). */
  readonly webhooks?: { readonly policy: OutboundPolicy; readonly deploymentSecret: string | null };
  /** A committed change whose announcement must wait for the gateway's sweep, and why. */
  readonly onAnnounceDeferred?: (guildId: string, err: unknown) => void;
}

const STRICT_WEBHOOKS = {
  policy: outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '' }),
  deploymentSecret: null,
};

export interface CommandRequest extends CommandInput {
  readonly guildId: string;
  readonly interactionId: string;
  /** Where the command ran (what /purge cleans). */
  readonly channelId?: string;
  /** The interaction's webhook, for the enforcer's private follow-up. */
  readonly reply?: { readonly applicationId: string; readonly token: string } | null;
}

/**
 * Carries out a slash command and returns the (ephemeral) reply. A configuration change is
 * stored, announced to every service and audited; a refused command says what was wrong.
 */
export async function runCommand(deps: CommandDeps, request: CommandRequest): Promise<string> {
  try {
    const decision = decideCommand(request);
    await refuseForeignChannel(deps, request);
    switch (decision.kind) {
      case 'reply':
        return decision.content;
      case 'show':
        return decision.describe(deps.configs.get(request.guildId));
      case 'campaign':
        return await runCampaign({ ...deps, config: (g) => deps.configs.get(g) }, request);
      case 'lockdown':
        return await runLockdownQuery({ ...deps, config: (g) => deps.configs.get(g) }, request);
      case 'moderation':
        if (!deps.moderation)
          throw new Error('moderators’ commands need the member lookup (deps.moderation)');
        return await runModeration(
          { ...deps, ...deps.moderation },
          {
            ...request,
            channelId: request.channelId ?? '',
            reply: request.reply ?? null,
          },
        );
      case 'case':
        return await runCaseCommand(deps, request);
      case 'invite-count':
        return await runInviteCountCommand({ ...deps, config: (g) => deps.configs.get(g) }, request);
      case 'gate-status':
        return await describeGateStatus(deps.db, request.guildId, deps.configs.get(request.guildId));
      case 'unmute':
        await deps.bus.publish('admin.unmute', {
          guildId: request.guildId,
          userId: decision.userId,
          moderatorId: request.userId,
          reason: decision.reason,
          requestId: request.interactionId,
          requestedAt: deps.now(),
        });
        return `Lifting the timeout of <@${decision.userId}>.`;
      case 'change': {
        const webhooks = deps.webhooks ?? STRICT_WEBHOOKS;
        if (decision.webhookUrl !== undefined) await screenWebhook(decision.webhookUrl, webhooks.policy);
        const reason = `/${[request.name, request.group, request.subcommand].filter(Boolean).join(' ')}`;
        const update = await updateGuildConfig(deps.db, request.guildId, decision.change, request.userId, {
          reason,
          at: deps.now(),
        });
        const announced = update.changes.length === 0 || (await tryAnnounce(deps, request.guildId));
        const said = decision.describe(update.after);
        const reply = announced ? said : `${said}\n${notAnnouncedYet(update.revision)}`;
        if (decision.webhookUrl === undefined) return reply;
        return `${reply}\n${signingSecretText(webhooks.deploymentSecret, request.guildId)}`;
      }
    }
  } catch (err) {
    if (err instanceof CommandRefused) return err.reply;
    if (err instanceof ZodError) {
      const issue = err.issues[0];
      return `That would not be a valid setting: ${issue?.path.join('.') ?? 'value'}: ${issue?.message ?? 'invalid'}.`;
    }
    throw err;
  }
}

/**
 * Refuses a URL that is, or resolves to, an address webhooks must not reach. A name that does not
 * resolve from here is let through: the log-writer screens the address again on every delivery.
 */
async function screenWebhook(url: string, policy: OutboundPolicy): Promise<void> {
  try {
    await screenUrlNow(url, policy);
  } catch (err) {
    if (isUnsafeUrl(err)) throw new CommandRefused(`That webhook URL is refused: ${err.reason}.`);
  }
}

/** The guild's signing secret, shown only in this reply (it is derived, never stored). */
function signingSecretText(deploymentSecret: string | null, guildId: string): string {
  if (deploymentSecret === null)
    return 'The operator has not set ALERT_WEBHOOK_SECRET on the gateway, so the signing secret cannot be shown here.';
  return `Verify each call's \`x-chat-guard-signature\` with this server's own secret (shown once, keep it safe): \`${guildWebhookSecret(deploymentSecret, guildId)}\``;
}

/**
 * Refuses a `channel` option naming a channel of another guild (or none): the id would be used
 * as given, posting this guild's logs or alerts, or creating its invites, elsewhere.
 */
async function refuseForeignChannel(deps: CommandDeps, request: CommandRequest): Promise<void> {
  const channel = request.options.channel;
  if (typeof channel !== 'string' || !/^\d{1,20}$/.test(channel)) return;
  const channels = await deps.discord.listChannels(request.guildId);
  if (!channels.some((c) => c.id === channel))
    throw new CommandRefused(`<#${channel}> is not a channel of this server.`);
}

/** Announces and audits the change just committed; false when that must wait (NATS down). */
async function tryAnnounce(deps: CommandDeps, guildId: string): Promise<boolean> {
  try {
    await announcePending(deps.db, deps.bus, guildId);
    return true;
  } catch (err) {
    deps.onAnnounceDeferred?.(guildId, err);
    return false;
  }
}

function notAnnouncedYet(revision: number): string {
  return `(Saved as revision ${revision}. The other services could not be told yet; Chat Guard keeps trying, and they apply it, with its audit entry, as soon as they can be reached.)`;
}
