import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import type { ChainAnchor, ChainProblem } from './verifyAuditChain.ts';
import { auditedGuilds, verifyGuildChain } from './verifyAuditLog.ts';

export interface VerificationRun {
  readonly full: boolean;
  readonly guilds: number;
  readonly checked: number;
  /** Guild chains that are broken now, with the first problem of each. */
  readonly broken: readonly { readonly guildId: string; readonly problem: ChainProblem }[];
}

/**
 * Verifies every guild's audit chain again and again: a full walk every `fullEveryMs`, and in
 * between only the entries written since the last walk, resuming from the last intact entry.
 */
export class AuditVerifier {
  readonly #resume = new Map<string, ChainAnchor>();
  readonly #broken = new Map<string, ChainProblem>();
  #lastFull = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly fullEveryMs: number,
  ) {}

  /** Guild chains found broken by the latest run. */
  get brokenChains(): number {
    return this.#broken.size;
  }

  async run(now: number): Promise<VerificationRun> {
    const full = now - this.#lastFull >= this.fullEveryMs;
    let checked = 0;
    const guilds = await auditedGuilds(this.db);
    for (const guildId of guilds) {
      const report = await verifyGuildChain(this.db, guildId, full ? undefined : this.#resume.get(guildId));
      checked += report.checked;
      this.#resume.set(guildId, report.last);
      if (report.problem) this.#broken.set(guildId, report.problem);
      else this.#broken.delete(guildId);
    }
    if (full) {
      this.#lastFull = now;
      const present = new Set(guilds);
      for (const guildId of this.#broken.keys()) if (!present.has(guildId)) this.#broken.delete(guildId);
    }
    const broken = [...this.#broken].map(([guildId, problem]) => ({ guildId, problem }));
    return { full, guilds: guilds.length, checked, broken };
  }
}
