import type { EventBus } from '@chat-guard/bus';
import { announceGuildConfig, type GuildConfigCache, updateGuildConfig } from '@chat-guard/guild-config';
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
  readonly discord: CampaignDeps['discord'];
  /** What moderators' actions need of Discord: members and the role hierarchy, channel messages. */
  readonly moderation?: Pick<ModerationCommandDeps, 'members' | 'discord'>;
  readonly now: () => number;
}

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
        const update = await updateGuildConfig(deps.db, request.guildId, decision.change, request.userId);
        if (update.changes.length > 0) {
          const at = deps.now();
          const stored = { config: update.after, revision: update.revision };
          await announceGuildConfig(deps.bus, request.guildId, stored, request.userId, at);
          await deps.bus.publish('audit.recorded', {
            guildId: request.guildId,
            action: 'config.update',
            actorId: request.userId,
            targetId: null,
            reason: `/${[request.name, request.group, request.subcommand].filter(Boolean).join(' ')}`,
            details: { changes: update.changes.join('; ').slice(0, 1000), revision: update.revision },
            idempotencyKey: `config:${request.guildId}:${update.revision}`,
            at,
          });
        }
        return decision.describe(update.after);
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
