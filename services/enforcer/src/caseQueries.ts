import type { AppealTable, Database, ModerationCaseTable } from '@chat-guard/store';
import type { Kysely, Selectable } from 'kysely';
import type { PastAppeal } from './appealRules.ts';

// Read-only queries over the enforcer's cases and appeals, for the gateway's /case and /cases
// and its checks of Appeal clicks. Only the enforcer writes these tables.

export type CaseRow = Selectable<ModerationCaseTable>;
export type AppealRow = Selectable<AppealTable>;

/** One case of a guild by its number. */
export async function findCase(
  db: Kysely<Database>,
  guildId: string,
  caseNumber: number,
): Promise<CaseRow | undefined> {
  return db
    .selectFrom('moderation_case')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('number', '=', caseNumber)
    .executeTakeFirst();
}

/** A member's cases, newest first, a page at a time (pages count from 1), and how many there are. */
export async function memberCases(
  db: Kysely<Database>,
  guildId: string,
  userId: string,
  page: { readonly page: number; readonly size: number },
): Promise<{ cases: CaseRow[]; total: number }> {
  const base = db.selectFrom('moderation_case').where('guild_id', '=', guildId).where('user_id', '=', userId);
  const [cases, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('number', 'desc')
      .limit(page.size)
      .offset((page.page - 1) * page.size)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { cases, total: Number(count.total) };
}

/** Every appeal of one case, oldest first. */
export async function caseAppeals(
  db: Kysely<Database>,
  guildId: string,
  caseNumber: number,
): Promise<AppealRow[]> {
  return db
    .selectFrom('appeal')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('case_number', '=', caseNumber)
    .orderBy('submitted_at')
    .execute();
}

/** A member's appeals in a guild, as the appeal rules read them. */
export async function memberAppeals(
  db: Kysely<Database>,
  guildId: string,
  userId: string,
): Promise<PastAppeal[]> {
  const rows = await db
    .selectFrom('appeal')
    .select(['case_number', 'status', 'submitted_at', 'decided_at'])
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => ({
    caseNumber: r.case_number,
    status: r.status,
    submittedAt: r.submitted_at.getTime(),
    decidedAt: r.decided_at?.getTime() ?? null,
  }));
}
