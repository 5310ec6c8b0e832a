import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

export interface DropOffs {
  /** Joins since `since`. */
  readonly joins: number;
  /** Of those, members who left within `windowHours` of joining. */
  readonly leftWithinWindow: number;
}

/** How many of the recent joins left soon after (read-only, for the dashboard's overview). */
export async function dropOffs(
  db: Kysely<Database>,
  guildId: string,
  since: Date,
  windowHours: number,
): Promise<DropOffs> {
  const row = await db
    .selectFrom('member_join')
    .select([
      sql<string>`count(*)`.as('joins'),
      sql<string>`count(*) filter (where left_at is not null and left_at - joined_at <= make_interval(hours => ${windowHours}))`.as(
        'left',
      ),
    ])
    .where('guild_id', '=', guildId)
    .where('joined_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { joins: Number(row.joins), leftWithinWindow: Number(row.left) };
}
