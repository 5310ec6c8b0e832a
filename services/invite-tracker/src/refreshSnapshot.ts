import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { InviteSnapshots } from './inviteSnapshots.ts';

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly invites: number; readonly vanity: string | null }
  | { readonly kind: 'not permitted'; readonly reason: string };

/**
 * Rebuilds a guild's invite snapshot from Discord, each invite labelled with its campaign. Without Manage Server the bot may not list
 * invites: that is reported (attribution will say `unknown`), not retried.
 */
export async function refreshSnapshot(
  discord: Pick<DiscordPort, 'listInvites' | 'vanityCode'>,
  snapshots: InviteSnapshots,
  guildId: string,
  knownVanity: string | null,
  campaigns: (guildId: string) => Promise<ReadonlyMap<string, string>> = async () => new Map(),
): Promise<RefreshOutcome> {
  try {
    const campaignOf = await campaigns(guildId);
    // Each invite carries the campaign it belongs to, if any (campaigns live in PostgreSQL).
    const invites = (await discord.listInvites(guildId)).map((i) => ({
      ...i,
      campaign: campaignOf.get(i.code) ?? null,
    }));
    const vanity = knownVanity
      ? await discord.vanityCode(guildId).catch((err: unknown) => {
          if (isDiscordRefused(err)) return knownVanity;
          throw err;
        })
      : null;
    await snapshots.replace(guildId, invites, vanity);
    return { kind: 'refreshed', invites: invites.length, vanity };
  } catch (err) {
    if (!isDiscordRefused(err)) throw err;
    // Built, if empty: the content-filter can tell this apart from a snapshot Redis lost.
    await snapshots.replace(guildId, [], knownVanity);
    return { kind: 'not permitted', reason: err.message };
  }
}
