/** What the detector keeps of one join. */
export interface WindowJoin {
  readonly ts: number;
  readonly userId: string;
  readonly accountCreatedAt: number;
  readonly defaultAvatar: boolean;
  /** The username with digits, separators and case folded away: look-alike names share it. */
  readonly nameSkeleton: string;
  readonly inviteCode: string | null;
  /** The member had joined this guild before. */
  readonly rejoin: boolean;
}

/** Look-alike usernames (`luna_88`, `Luna.91`, `luna1337`) fold to one skeleton. */
export function nameSkeleton(username: string): string {
  return username
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const HALF_LIFE_MS = 60 * 60_000;
/** The long baseline forgets slowly, so a raid that drips for an hour does not become the norm. */
const LONG_HALF_LIFE_MS = 12 * 60 * 60_000;
/** Until the guild has been watched this long, the long baseline assumes it saw this much time. */
const LONG_MIN_SPAN_MS = 60 * 60_000;

/**
 * One guild's recent joins and first messages, plus a slow baseline of its join rate
 * (exponentially decaying, one-hour half-life), fed in time order. Plain data: the same
 * events in the same order always give the same window.
 */
export class GuildWindow {
  readonly joins: WindowJoin[] = [];
  /** First message after joining, by user: ts of the message. */
  readonly firstMessages = new Map<string, number>();
  /** Joins in the window by member, so a message is matched to its author's join at once. */
  readonly #inWindow = new Map<string, number>();
  readonly invitesCreated = new Map<string, number>();
  readonly seenMembers = new Set<string>();
  memberCount = 0;
  #baselinePerMin = 0;
  #baselineAt: number | undefined;
  #firstAt: number | undefined;
  /** Joins and watched time, both decayed with the long half-life: their ratio is a rate. */
  #longJoins = 0;
  #longSpanMs = 0;

  constructor(private readonly horizonMs = 15 * 60_000) {}

  /** Joins per minute the guild usually sees, as of the last event. */
  get baselinePerMinute(): number {
    return this.#baselinePerMin;
  }

  /**
   * Joins per minute over the last half day or so (12-hour half-life, corrected for the time
   * actually watched): the norm a 10-minute window is held against.
   */
  get longBaselinePerMinute(): number {
    return (this.#longJoins / Math.max(this.#longSpanMs, LONG_MIN_SPAN_MS)) * 60_000;
  }

  /** How long the window has watched the guild: a baseline means little in the first minutes. */
  watchedMs(now: number): number {
    return this.#firstAt === undefined ? 0 : now - this.#firstAt;
  }

  #decayTo(ts: number): void {
    this.#firstAt ??= ts;
    if (this.#baselineAt === undefined) {
      this.#baselineAt = ts;
      return;
    }
    const dt = Math.max(0, ts - this.#baselineAt);
    this.#baselinePerMin *= 0.5 ** (dt / HALF_LIFE_MS);
    const keep = 0.5 ** (dt / LONG_HALF_LIFE_MS);
    this.#longJoins *= keep;
    this.#longSpanMs = this.#longSpanMs * keep + ((1 - keep) * LONG_HALF_LIFE_MS) / Math.LN2;
    this.#baselineAt = ts;
  }

  addJoin(join: Omit<WindowJoin, 'rejoin' | 'nameSkeleton'> & { username: string }): void {
    this.#decayTo(join.ts);
    // Each join adds its share of a per-minute rate averaged over the half-life.
    this.#baselinePerMin += (Math.LN2 * 60_000) / HALF_LIFE_MS;
    this.#longJoins += 1;
    this.joins.push({
      ts: join.ts,
      userId: join.userId,
      accountCreatedAt: join.accountCreatedAt,
      defaultAvatar: join.defaultAvatar,
      nameSkeleton: nameSkeleton(join.username),
      inviteCode: join.inviteCode,
      rejoin: this.seenMembers.has(join.userId),
    });
    this.seenMembers.add(join.userId);
    this.memberCount++;
    this.#inWindow.set(join.userId, (this.#inWindow.get(join.userId) ?? 0) + 1);
    this.#prune(join.ts);
  }

  addLeave(ts: number): void {
    this.#decayTo(ts);
    this.memberCount = Math.max(0, this.memberCount - 1);
  }

  addMessage(userId: string, ts: number): void {
    // Every message of every guild passes here: a map lookup, not a scan of the window.
    if (!this.firstMessages.has(userId) && this.#inWindow.has(userId)) this.firstMessages.set(userId, ts);
  }

  addInvite(code: string, ts: number): void {
    this.invitesCreated.set(code, ts);
  }

  /** How many joins came within `spanMs` before `now`, without copying them. */
  recentCount(now: number, spanMs: number): number {
    let n = 0;
    for (let i = this.joins.length - 1; i >= 0; i--) {
      const ts = this.joins[i]?.ts ?? 0;
      if (ts <= now - spanMs) break;
      if (ts <= now) n++;
    }
    return n;
  }

  /** Joins within `spanMs` before `now`. */
  recent(now: number, spanMs: number): WindowJoin[] {
    // Joins are in time order: walk back from the newest instead of scanning them all.
    let end = this.joins.length;
    while (end > 0 && (this.joins[end - 1]?.ts ?? 0) > now) end--;
    let start = end;
    while (start > 0 && (this.joins[start - 1]?.ts ?? 0) > now - spanMs) start--;
    return this.joins.slice(start, end);
  }

  #prune(now: number): void {
    const cutoff = now - this.horizonMs;
    let drop = 0;
    while (drop < this.joins.length && (this.joins[drop]?.ts ?? 0) < cutoff) drop++;
    if (drop === 0) return;
    for (const gone of this.joins.splice(0, drop)) {
      this.firstMessages.delete(gone.userId);
      const left = (this.#inWindow.get(gone.userId) ?? 1) - 1;
      if (left > 0) this.#inWindow.set(gone.userId, left);
      else this.#inWindow.delete(gone.userId);
    }
  }
}
