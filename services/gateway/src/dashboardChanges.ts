import type { EventBus } from '@chat-guard/bus';
import { CampaignExistsError, createCampaign, endCampaign, listCampaigns } from '@chat-guard/campaigns';
import { guildConfigSchema, type OwnerRequest, problemsOf } from '@chat-guard/events';
import { announceGuildConfig, loadGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { isUnsafeUrl, type OutboundPolicy, screenUrlNow } from '@chat-guard/outbound';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import type { OwnerHandlers } from './answerOwnerRequests.ts';

type Requester = OwnerRequest<'campaign.end'>['by'];

/** An audit entry for a change a dashboard user asked for: the user is the actor, and named. */
function auditDashboardChange(
  bus: EventBus,
  entry: {
    guildId: string;
    action: string;
    by: Requester;
    reason: string;
    details: Record<string, string | number | boolean | null>;
    idempotencyKey: string;
    at: number;
  },
) {
  return bus.publish('audit.recorded', {
    guildId: entry.guildId,
    action: entry.action,
    actorId: entry.by.userId,
    targetId: null,
    reason: `${entry.reason} by ${entry.by.username}`.slice(0, 500),
    details: { ...entry.details, by: entry.by.username, via: 'dashboard' },
    idempotencyKey: entry.idempotencyKey,
    at: entry.at,
  });
}

/**
 * Why a webhook URL must not be called (screened as `/lockdown webhook` does: the scheme, the
 * address and what the name resolves to now), or null. A name that does not resolve from here
 * is let through: the log-writer screens the address again on every delivery.
 */
async function webhookRefusal(url: string, policy: OutboundPolicy): Promise<string | null> {
  try {
    await screenUrlNow(url, policy);
    return null;
  } catch (err) {
    if (isUnsafeUrl(err)) return err.reason;
    if ((err as { code?: unknown }).code === 'ENOTFOUND') return null;
    throw err;
  }
}

/**
 * What the gateway, owner of `guild_config` and `campaign`, does when the dashboard asks: the
 * change is stored here, announced and audited, and only then confirmed.
 */
export function dashboardChanges(db: Kysely<Database>, bus: EventBus, policy: OutboundPolicy): OwnerHandlers {
  return {
    async 'guild-config.update'(request) {
      const current = await loadGuildConfig(db, request.guildId);
      const checked = guildConfigSchema.safeParse({ ...current.config, ...request.settings });
      if (!checked.success)
        return {
          ok: false,
          code: 'invalid',
          message: 'the settings do not fit',
          errors: problemsOf(checked.error),
        };
      const webhookUrl = checked.data.lockdown.webhookUrl;
      if (webhookUrl !== null && webhookUrl !== current.config.lockdown.webhookUrl) {
        const refused = await webhookRefusal(webhookUrl, policy);
        if (refused)
          return {
            ok: false,
            code: 'invalid',
            message: `That webhook URL is refused: ${refused}.`,
            errors: [{ field: 'lockdown.webhookUrl', message: `refused: ${refused}` }],
          };
      }
      const update = await updateGuildConfig(db, request.guildId, () => checked.data, request.by.userId);
      if (update.changes.length > 0) {
        await announceGuildConfig(
          bus,
          request.guildId,
          { config: update.after, revision: update.revision },
          request.by.userId,
          request.at,
        );
        await auditDashboardChange(bus, {
          guildId: request.guildId,
          action: 'config.update',
          by: request.by,
          reason: request.profile ? `dashboard (profile "${request.profile}")` : `dashboard (${request.via})`,
          details: {
            changes: update.changes.join('; ').slice(0, 1000),
            revision: update.revision,
            ...(request.profile ? { profile: request.profile } : {}),
          },
          idempotencyKey: `config:${request.guildId}:${update.revision}`,
          at: request.at,
        });
      }
      return { config: update.after, revision: update.revision, changes: update.changes };
    },

    async 'campaign.create'(request) {
      try {
        const campaign = await createCampaign(db, {
          guildId: request.guildId,
          name: request.name,
          inviteCode: request.inviteCode,
          channelId: request.channelId,
          createdBy: request.by.userId,
        });
        await auditDashboardChange(bus, {
          guildId: request.guildId,
          action: 'campaign.create',
          by: request.by,
          reason: `campaign "${request.name}" created on the dashboard`,
          details: { inviteCode: request.inviteCode, channelId: request.channelId },
          idempotencyKey: `campaign.create:${request.guildId}:${request.inviteCode}`,
          at: request.at,
        });
        return {
          campaign: {
            ...campaign,
            createdAt: campaign.createdAt.toISOString(),
            endedAt: campaign.endedAt?.toISOString() ?? null,
          },
        };
      } catch (err) {
        if (!(err instanceof CampaignExistsError)) throw err;
        return {
          ok: false,
          code: 'conflict',
          message: err.message,
          errors: [{ field: 'name', message: `"${request.name}" is already running` }],
        };
      }
    },

    async 'campaign.end'(request) {
      const campaign = (await listCampaigns(db, request.guildId)).find((c) => c.id === request.campaignId);
      if (!campaign) return { ok: false, code: 'not-found', message: 'No such campaign in this server.' };
      if (campaign.endedAt)
        return { ok: false, code: 'conflict', message: 'This campaign has ended already.' };
      await endCampaign(db, campaign.id, new Date(request.at));
      await auditDashboardChange(bus, {
        guildId: request.guildId,
        action: 'campaign.end',
        by: request.by,
        reason: `campaign "${campaign.name}" ended on the dashboard`,
        details: { inviteCode: campaign.inviteCode },
        idempotencyKey: `campaign.end:${request.guildId}:${campaign.inviteCode}`,
        at: request.at,
      });
      return { ended: true };
    },
  };
}
