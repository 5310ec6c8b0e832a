import { campaignStats, findCampaign, inviteCounts, joinSources, listCampaigns } from '@chat-guard/campaigns';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { ChannelType } from 'discord-api-types/v10';
import { z } from 'zod';
import { askOwner, refusalBody, refusalStatus } from '../askOwner.ts';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';
import { jsonBody } from './jsonBody.ts';

const DAY_MS = 86_400_000;
const SOURCES_DAYS = 30;

const newCampaign = z.strictObject({
  name: z.string().trim().min(1).max(50),
  channelId: z.string().regex(/^\d{1,20}$/, 'must be a channel'),
  maxUses: z.number().int().min(0).max(100).default(0),
  maxAgeHours: z.number().int().min(0).max(168).default(0),
  guildId: z.string().optional(),
});

/** Where joins came from, campaigns with their honest counts, the leaderboard; create and end campaigns. */
export function inviteRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);

  app.get('/:guildId/invites', async (c) => {
    const guildId = c.get('guild').id;
    const now = new Date(deps.now());
    const { config } = await loadGuildConfig(deps.db, guildId);
    const rules = {
      accountAgeDays: config.fakeAccountAgeDays,
      leaveWindowHours: config.fakeLeaveWindowHours,
    };
    const [sources, campaigns, leaderboard, channels] = await Promise.all([
      joinSources(deps.db, guildId, new Date(now.getTime() - SOURCES_DAYS * DAY_MS)),
      listCampaigns(deps.db, guildId),
      inviteCounts(deps.db, { guildId, rules, now }),
      deps.discord.listChannels(guildId),
    ]);
    const withStats = await Promise.all(
      campaigns.map(async (campaign) => ({
        ...campaign,
        ...(await campaignStats(deps.db, campaign.id, rules, now)),
      })),
    );
    const top = leaderboard.slice(0, 25);
    const names = await deps.names.of([
      ...top.map((l) => l.inviterId),
      ...withStats.flatMap((campaign) => campaign.inviters.map((i) => i.inviterId)),
    ]);
    return c.json({
      sourcesDays: SOURCES_DAYS,
      sources,
      campaigns: withStats,
      leaderboard: top,
      names,
      channels: channels
        .filter((ch) => ch.type === ChannelType.GuildText)
        .map((ch) => ({ id: ch.id, name: ch.name })),
    });
  });

  app.post('/:guildId/campaigns', async (c) => {
    const guildId = c.get('guild').id;
    const session = c.get('session');
    const parsed = newCampaign.safeParse(await jsonBody(c));
    if (!parsed.success)
      return c.json(
        {
          error: 'invalid',
          errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        },
        422,
      );
    const { name, channelId, maxUses, maxAgeHours } = parsed.data;
    const channels = await deps.discord.listChannels(guildId);
    if (!channels.some((ch) => ch.id === channelId && ch.type === ChannelType.GuildText))
      return c.json(
        { error: 'invalid', errors: [{ field: 'channelId', message: 'not a text channel of this server' }] },
        422,
      );
    if (await findCampaign(deps.db, guildId, name))
      return c.json(
        { error: 'invalid', errors: [{ field: 'name', message: `"${name}" is already running` }] },
        422,
      );
    const code = await deps.discord.createInvite(channelId, {
      maxAgeSec: maxAgeHours * 3600,
      maxUses,
      reason: `Chat Guard campaign "${name}" (dashboard, ${session.username})`,
    });
    // The gateway owns the campaign table: it stores and audits the campaign, this waits for it.
    const answer = await askOwner(deps.bus, 'campaign.create', {
      guildId,
      name,
      inviteCode: code,
      channelId,
      by: { userId: session.userId, username: session.username },
      at: deps.now(),
    });
    if (answer.ok) return c.json(answer.result, 201);
    // The invite exists but the campaign was not confirmed: take the invite back. (Unconfirmed
    // but stored after all, the campaign then names an invite that is gone; it can be ended.)
    await deps.discord.deleteInvite(code, 'campaign not stored');
    return c.json(
      answer.code === 'conflict' ? { error: 'invalid', errors: answer.errors ?? [] } : refusalBody(answer),
      answer.code === 'conflict' ? 422 : refusalStatus(answer.code),
    );
  });

  app.post('/:guildId/campaigns/:campaignId/end', async (c) => {
    const guildId = c.get('guild').id;
    const session = c.get('session');
    const campaign = (await listCampaigns(deps.db, guildId)).find((x) => x.id === c.req.param('campaignId'));
    if (!campaign) return c.json({ error: 'not-found', message: 'No such campaign in this server.' }, 404);
    if (campaign.endedAt)
      return c.json({ error: 'conflict', message: 'This campaign has ended already.' }, 409);
    await deps.discord.deleteInvite(campaign.inviteCode, `Chat Guard campaign "${campaign.name}" ended`);
    const answer = await askOwner(deps.bus, 'campaign.end', {
      guildId,
      campaignId: campaign.id,
      by: { userId: session.userId, username: session.username },
      at: deps.now(),
    });
    if (!answer.ok) return c.json(refusalBody(answer), refusalStatus(answer.code));
    return c.json({ ok: true });
  });
  return app;
}
