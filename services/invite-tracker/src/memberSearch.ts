import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { z } from 'zod';

/** How Discord says a member joined (its member search's `join_source_type`). */
export const JOIN_SOURCE_INVITE = 5;
export const JOIN_SOURCE_VANITY = 6;

/** One member's join as Discord's member search reports it. */
export interface JoinSource {
  readonly userId: string;
  readonly joinedAt: number;
  readonly type: number;
  readonly code: string | null;
  readonly inviterId: string | null;
}

/** Discord's answer, checked field by field: what we rely on must be there, the rest may change. */
const searchResponse = z.looseObject({
  members: z.array(
    z.looseObject({
      member: z.looseObject({
        user: z.looseObject({ id: z.string().regex(/^\d{1,20}$/) }),
        joined_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a time'),
      }),
      source_invite_code: z.string().nullable(),
      join_source_type: z.number().int().nonnegative(),
      inviter_id: z
        .string()
        .regex(/^\d{1,20}$/)
        .nullable(),
    }),
  ),
  page_result_count: z.number().int().nonnegative(),
  total_result_count: z.number().int().nonnegative(),
});

/** The guild's search index is still being built (Discord answers 202 with `retry_after`). */
const notIndexed = z.looseObject({ retry_after: z.number().nonnegative() });

/** Members per request: Discord's `limit` is at most 1,000. */
export const SEARCH_BATCH = 1000;
/** After Discord refused or the answer changed shape, how long the uses method works alone. */
const REFUSED_BACKOFF_MS = 10 * 60_000;
/** After Discord failed (5xx, network), how long before trying again. */
const FAILED_BACKOFF_MS = 30_000;

export interface MemberSearchOptions {
  readonly discord: Pick<DiscordPort, 'searchMembers'>;
  /** Called once when a guild's search stops working (refused, changed shape, failing), with why. */
  readonly onUnavailable: (guildId: string, reason: string) => void;
  /** Called once when it works again. */
  readonly onAvailable?: (guildId: string) => void;
  readonly now?: () => number;
}

/**
 * Discord's member search (`POST /guilds/{id}/members-search`, undocumented) as a source of
 * exact joins: one request per 1,000 members. When Discord refuses, answers in a shape we do
 * not know, or fails, it says so once and answers null for a while, so attribution carries on
 * with the uses method alone; then it tries again.
 */
export class MemberSearch {
  readonly #pausedUntil = new Map<string, number>();
  readonly #now: () => number;

  constructor(private readonly options: MemberSearchOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** How each of these members joined, by user id; null when the search cannot tell now. */
  async joinSources(guildId: string, userIds: readonly string[]): Promise<Map<string, JoinSource> | null> {
    const paused = this.#pausedUntil.get(guildId);
    if (paused !== undefined && paused > this.#now()) return null;
    const found = new Map<string, JoinSource>();
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += SEARCH_BATCH) {
      const chunk = ids.slice(i, i + SEARCH_BATCH);
      const answer = await this.#search(guildId, chunk);
      if (answer === null) return null;
      for (const source of answer) found.set(source.userId, source);
    }
    if (paused !== undefined) {
      this.#pausedUntil.delete(guildId);
      this.options.onAvailable?.(guildId);
    }
    return found;
  }

  async #search(guildId: string, userIds: readonly string[]): Promise<JoinSource[] | null> {
    let raw: unknown;
    try {
      raw = await this.options.discord.searchMembers(guildId, {
        and_query: { user_id: { or_query: userIds } },
        limit: userIds.length,
      });
    } catch (err) {
      const refused = isDiscordRefused(err);
      const message = err instanceof Error ? err.message : String(err);
      return this.#pause(
        guildId,
        refused ? REFUSED_BACKOFF_MS : FAILED_BACKOFF_MS,
        `${refused ? 'refused' : 'failed'}: ${message}`,
      );
    }
    const parsed = searchResponse.safeParse(raw);
    if (parsed.success) {
      return parsed.data.members.map((m) => ({
        userId: m.member.user.id,
        joinedAt: Date.parse(m.member.joined_at),
        type: m.join_source_type,
        code: m.source_invite_code,
        inviterId: m.inviter_id,
      }));
    }
    const indexing = notIndexed.safeParse(raw);
    if (indexing.success)
      return this.#pause(guildId, indexing.data.retry_after * 1000, 'the guild is not indexed yet');
    const issue = parsed.error.issues[0];
    return this.#pause(
      guildId,
      REFUSED_BACKOFF_MS,
      `the answer changed shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected'})`,
    );
  }

  #pause(guildId: string, forMs: number, reason: string): null {
    const wasPaused = this.#pausedUntil.has(guildId);
    this.#pausedUntil.set(guildId, this.#now() + forMs);
    if (!wasPaused) this.options.onUnavailable(guildId, reason);
    return null;
  }
}
