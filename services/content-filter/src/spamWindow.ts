import { contentHash } from './normalizeText.ts';

/** One message in an author's spam window. */
export interface SpamRecord {
  /** When the message was sent, epoch milliseconds. */
  readonly at: number;
  /** sha256 hex of the normalized content (`contentHash`). */
  readonly contentHash: string;
}

/** The spam record of a message. */
export function spamRecordOf(content: string, at: number): SpamRecord {
  return { at, contentHash: contentHash(content) };
}

/**
 * Where each author's recent messages are kept, so every replica sees the same window
 * (Redis in the service, memory in `chat-guard check`).
 */
export interface SpamWindowStore {
  /**
   * Stores `record` for the author and returns the author's records from before it that are still
   * inside the window (`at > record.at - windowMs`), oldest first, without `record` itself.
   */
  recordAndList(guildId: string, userId: string, record: SpamRecord, windowMs: number): Promise<SpamRecord[]>;
}

/** A spam window store in this process's memory: for one process (the `check` command, tests). */
export class InMemorySpamWindowStore implements SpamWindowStore {
  readonly #windows = new Map<string, SpamRecord[]>();

  async recordAndList(
    guildId: string,
    userId: string,
    record: SpamRecord,
    windowMs: number,
  ): Promise<SpamRecord[]> {
    const key = `${guildId}:${userId}`;
    const recent = (this.#windows.get(key) ?? []).filter((r) => r.at > record.at - windowMs);
    this.#windows.set(key, [...recent, record]);
    return recent;
  }
}
