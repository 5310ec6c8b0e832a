import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { loadAnchor, loadEntries } from './auditStore.ts';
import { type ChainAnchor, type ChainProblem, ChainWalker } from './verifyAuditChain.ts';

export interface GuildChainReport {
  readonly guildId: string;
  readonly anchorSeq: number;
  readonly checked: number;
  readonly problem: ChainProblem | undefined;
  /** The last entry found intact: a later walk of new entries resumes there. */
  readonly last: ChainAnchor;
}

const PAGE = 2_000;

/** The guilds that have an audit chain (entries, or an anchor left by pruning). */
export async function auditedGuilds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('guild_id')
    .union(db.selectFrom('audit_anchor').select('guild_id'))
    .orderBy('guild_id')
    .execute();
  return rows.map((r) => r.guild_id);
}

/**
 * Walks one guild's chain from its anchor, page by page, stopping at the first problem; or
 * only the entries after `resumeFrom`, an entry an earlier walk found intact, when retention
 * has not pruned past it.
 */
export async function verifyGuildChain(
  db: Kysely<Database>,
  guildId: string,
  resumeFrom?: ChainAnchor,
): Promise<GuildChainReport> {
  const anchor = await loadAnchor(db, guildId);
  const start = resumeFrom && resumeFrom.seq > anchor.seq ? resumeFrom : anchor;
  const walker = new ChainWalker(start);
  let after = start.seq;
  for (;;) {
    // Pages are read by sequence number from the anchor, so a gap or a move shows up as
    // a break in the numbering or the hash links, never as a silently skipped row.
    const page = await loadEntries(db, guildId, after, PAGE);
    for (const entry of page) {
      const problem = walker.next(entry);
      if (problem)
        return { guildId, anchorSeq: anchor.seq, checked: walker.checked, problem, last: walker.last };
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = last.seq;
  }
  return { guildId, anchorSeq: anchor.seq, checked: walker.checked, problem: undefined, last: walker.last };
}
