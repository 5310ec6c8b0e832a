import type { EventBus } from '@chat-guard/bus';
import {
  CampaignExistsError,
  campaignStats,
  createCampaign,
  endCampaign,
  findCampaign,
  listCampaigns,
} from '@chat-guard/campaigns';
import type { DiscordPort } from '@chat-guard/discord';
import type { GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ChannelType,
} from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import { CommandRefused } from './commandRefused.ts';

const nameOption: APIApplicationCommandOption = {
  type: ApplicationCommandOptionType.String,
  name: 'name',
  description: 'The campaign',
  required: true,
  min_length: 1,
  max_length: 50,
};

/** `/campaign create|list|stats|end`: labelled invites and their honest counts. */
export const CAMPAIGN_OPTIONS: APIApplicationCommandOption[] = [
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'create',
    description: 'Create a labelled invite',
    options: [
      nameOption,
      {
        type: ApplicationCommandOptionType.Channel,
        name: 'channel',
        description: 'Where the invite leads',
        required: true,
        channel_types: [ChannelType.GuildText],
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'max_uses',
        description: '0 for unlimited',
        min_value: 0,
        max_value: 100,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'max_age_hours',
        description: '0 never expires',
        min_value: 0,
        max_value: 168,
      },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'list',
    description: 'The campaigns of this server',
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'stats',
    description: 'Joins, still here, left, fake; the leaderboard',
    options: [nameOption],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'end',
    description: 'End a campaign and delete its invite',
    options: [nameOption],
  },
];

export interface CampaignDeps {
  readonly db: Kysely<Database>;
  readonly bus: EventBus;
  readonly discord: Pick<DiscordPort, 'createInvite' | 'deleteInvite'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
}

export interface CampaignRequest {
  readonly guildId: string;
  readonly userId: string;
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

function text(request: CampaignRequest, name: string): string {
  const value = request.options[name];
  if (typeof value !== 'string' || value.trim() === '' || value.length > 50) {
    throw new CommandRefused(`\`${name}\` must be 1 to 50 characters.`);
  }
  return value.trim();
}

function whole(request: CampaignRequest, name: string, max: number): number {
  const value = request.options[name] ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new CommandRefused(`\`${name}\` must be a whole number from 0 to ${max}.`);
  }
  return value;
}

const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} days`;

/** Carries out a /campaign subcommand and returns the reply. */
export async function runCampaign(deps: CampaignDeps, request: CampaignRequest): Promise<string> {
  const audit = (action: string, reason: string, details: Record<string, string | number>) =>
    deps.bus.publish('audit.recorded', {
      guildId: request.guildId,
      action,
      actorId: request.userId,
      targetId: null,
      reason,
      details,
      idempotencyKey: `${action}:${request.guildId}:${details.inviteCode}`,
      at: deps.now(),
    });
  switch (request.subcommand) {
    case 'create': {
      const name = text(request, 'name');
      const channelId = request.options.channel;
      if (typeof channelId !== 'string' || !/^\d{1,20}$/.test(channelId))
        throw new CommandRefused('`channel` must be a channel.');
      if (await findCampaign(deps.db, request.guildId, name))
        throw new CommandRefused(`A campaign named "${name}" is already running.`);
      const code = await deps.discord.createInvite(channelId, {
        maxAgeSec: whole(request, 'max_age_hours', 168) * 3600,
        maxUses: whole(request, 'max_uses', 100),
        reason: `Chat Guard campaign "${name}"`,
      });
      try {
        await createCampaign(deps.db, {
          guildId: request.guildId,
          name,
          inviteCode: code,
          channelId,
          createdBy: request.userId,
        });
      } catch (err) {
        await deps.discord.deleteInvite(code, 'campaign could not be stored');
        if (err instanceof CampaignExistsError)
          throw new CommandRefused(`A campaign named "${name}" is already running.`);
        throw err;
      }
      await audit('campaign.create', `campaign "${name}"`, { inviteCode: code, channelId });
      return `Campaign **${name}** created: https://discord.gg/${code}`;
    }
    case 'list': {
      const campaigns = await listCampaigns(deps.db, request.guildId);
      if (campaigns.length === 0) return 'No campaigns yet: `/campaign create` makes one.';
      return campaigns
        .map(
          (c) =>
            `**${c.name}** · discord.gg/${c.inviteCode} · ${c.endedAt ? `ended ${c.endedAt.toISOString().slice(0, 10)}` : 'running'}`,
        )
        .join('\n');
    }
    case 'stats': {
      const name = text(request, 'name');
      const campaign = (await listCampaigns(deps.db, request.guildId)).find(
        (c) => c.name.toLowerCase() === name.toLowerCase(),
      );
      if (!campaign) throw new CommandRefused(`There is no campaign named "${name}".`);
      const config = deps.config(request.guildId);
      const rules = {
        accountAgeDays: config.fakeAccountAgeDays,
        leaveWindowHours: config.fakeLeaveWindowHours,
      };
      const { total, inviters } = await campaignStats(deps.db, campaign.id, rules, new Date(deps.now()));
      const stay = total.medianStayMs === null ? '' : ` (median stay ${days(total.medianStayMs)})`;
      const board = inviters
        .slice(0, 10)
        .map(
          (i, n) =>
            `${n + 1}. ${i.inviterId ? `<@${i.inviterId}>` : 'unknown'}: ${i.joins} joins, ${i.stillHere} still here, ${i.fake} fake`,
        );
      return [
        `**${campaign.name}**: ${total.joins} joins, ${total.stillHere} still here, ${total.left} left${stay}, ${total.fake} fake`,
        `${total.pending} newer joins count once they are ${config.fakeLeaveWindowHours} h old.`,
        ...(board.length > 0 ? ['**Leaderboard**', ...board] : []),
      ].join('\n');
    }
    case 'end': {
      const name = text(request, 'name');
      const campaign = await findCampaign(deps.db, request.guildId, name);
      if (!campaign) throw new CommandRefused(`There is no running campaign named "${name}".`);
      await deps.discord.deleteInvite(campaign.inviteCode, `Chat Guard campaign "${name}" ended`);
      await endCampaign(deps.db, campaign.id, new Date(deps.now()));
      await audit('campaign.end', `campaign "${name}"`, { inviteCode: campaign.inviteCode });
      return `Campaign **${campaign.name}** ended; its invite is deleted and its stats stay.`;
    }
    default:
      throw new CommandRefused('Say which: `create`, `list`, `stats` or `end`.');
  }
}
