import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly inviteCode: string;
  readonly channelId: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly endedAt: Date | null;
}

/** A campaign name already running in the guild. */
export class CampaignExistsError extends Error {
  constructor(readonly campaign: string) {
    super(`a campaign named "${campaign}" is already running`);
    this.name = 'CampaignExistsError';
  }
}

const UNIQUE_VIOLATION = '23505';

/** Stores a campaign with its (already created) invite. */
export async function createCampaign(
  db: Kysely<Database>,
  input: { guildId: string; name: string; inviteCode: string; channelId: string; createdBy: string },
): Promise<Campaign> {
  try {
    const row = await db
      .insertInto('campaign')
      .values({
        guild_id: input.guildId,
        name: input.name,
        invite_code: input.inviteCode,
        channel_id: input.channelId,
        created_by: input.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new CampaignExistsError(input.name);
    throw err;
  }
}

function fromRow(row: {
  id: string;
  name: string;
  invite_code: string;
  channel_id: string;
  created_by: string;
  created_at: Date;
  ended_at: Date | null;
}): Campaign {
  return {
    id: row.id,
    name: row.name,
    inviteCode: row.invite_code,
    channelId: row.channel_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

/** The guild's campaigns, running ones first, newest first. */
export async function listCampaigns(db: Kysely<Database>, guildId: string): Promise<Campaign[]> {
  const rows = await db
    .selectFrom('campaign')
    .selectAll()
    .where('guild_id', '=', guildId)
    .orderBy('ended_at', (ob) => ob.desc().nullsFirst())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(fromRow);
}

/** The running campaign of that name (case-insensitive), if any. */
export async function findCampaign(
  db: Kysely<Database>,
  guildId: string,
  name: string,
): Promise<Campaign | undefined> {
  const campaigns = await listCampaigns(db, guildId);
  return campaigns.find((c) => c.name.toLowerCase() === name.toLowerCase() && c.endedAt === null);
}

/** Ends a campaign: its invite is deleted by the caller; its stats stay. */
export async function endCampaign(db: Kysely<Database>, campaignId: string, at: Date): Promise<void> {
  await db.updateTable('campaign').set({ ended_at: at }).where('id', '=', campaignId).execute();
}

/** The running campaigns of a guild by their invite code. */
export async function campaignsByInvite(db: Kysely<Database>, guildId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('campaign')
    .select(['invite_code', 'name'])
    .where('guild_id', '=', guildId)
    .where('ended_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.invite_code, r.name]));
}
