import { GENESIS_HASH, type HashedAuditEntry, hashAuditEntry } from './auditHash.ts';

/** Where a verified chain starts: the genesis, or the last entry pruned by retention. */
export interface ChainAnchor {
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 0, hash: GENESIS_HASH };

export interface ChainProblem {
  readonly kind: 'changed' | 'removed' | 'reordered';
  /** The first entry that is not as it was written. */
  readonly seq: number;
  readonly detail: string;
}

/**
 * Checks one guild's entries, fed in sequence order from its anchor, and names the first
 * entry that was changed, removed or reordered. Feeding it page by page keeps memory flat.
 */
export class ChainWalker {
  #previous: HashedAuditEntry | ChainAnchor;
  #checked = 0;

  constructor(readonly anchor: ChainAnchor = GENESIS_ANCHOR) {
    this.#previous = anchor;
  }

  get checked(): number {
    return this.#checked;
  }

  /** The last entry found intact (or the anchor): where a later walk can resume. */
  get last(): ChainAnchor {
    return { seq: this.#previous.seq, hash: this.#previous.hash };
  }

  /** Checks the next entry; returns the problem it reveals, if any. */
  next(entry: HashedAuditEntry): ChainProblem | undefined {
    const previous = this.#previous;
    this.#checked++;
    if (entry.seq > previous.seq + 1) {
      const missing = previous.seq + 1;
      return {
        kind: 'removed',
        seq: missing,
        detail: `entry ${missing} is missing before entry ${entry.seq}`,
      };
    }
    if (entry.seq <= previous.seq) {
      return {
        kind: 'reordered',
        seq: entry.seq,
        detail: `entry ${entry.seq} comes after entry ${previous.seq}`,
      };
    }
    if (hashAuditEntry(entry) !== entry.hash) {
      return { kind: 'changed', seq: entry.seq, detail: `entry ${entry.seq} no longer matches its hash` };
    }
    if (entry.prevHash !== previous.hash) {
      // This entry is intact but points at another hash: the one before it was rewritten
      // (and re-hashed), or removed with the rest renumbered, or the anchor was moved.
      if ('action' in previous) {
        return {
          kind: 'changed',
          seq: previous.seq,
          detail: `entry ${previous.seq} was rewritten: entry ${entry.seq} points at a different hash`,
        };
      }
      return {
        kind: 'removed',
        seq: entry.seq,
        detail: `entry ${entry.seq} does not follow the chain's anchor at entry ${previous.seq}`,
      };
    }
    this.#previous = entry;
    return undefined;
  }
}
