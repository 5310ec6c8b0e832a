// Members who joined within NEWCOMER_MS (a day) are newcomers, and their first messages are
// kept: a slow drip's accounts join over hours and then post together, long after the hour of
// joins. The gateway publishes newcomers' messages apart by the same measure.
import { NEWCOMER_MS } from '@chat-guard/events';
import { ReferenceMix } from './referenceMix.ts';

/** What the detector keeps of one join. */
export interface WindowJoin {
  readonly ts: number;
  readonly userId: string;
  readonly accountCreatedAt: number;
  readonly defaultAvatar: boolean;
  /** The username with digits, separators and case folded away: look-alike names share it. */
  readonly nameSkeleton: string;
  /** The invite used, `vanity` for the vanity URL, null where unknown. */
  readonly inviteCode: string | null;
  /** The invite was made by someone who joined the guild within the last day. */
  readonly viaNewInviter: boolean;
  /** The member had joined this guild before. */
  readonly rejoin: boolean;
}

/** What the detector keeps of a newcomer's message: never its text, only what it looked like. */
export interface NewcomerPost {
  readonly ts: number;
  readonly userId: string;
  /** How long after the author joined. */
  readonly sinceJoinMs: number;
  /** A link, an invite, @everyone/@here or three mentions or more. */
  readonly spammy: boolean;
  /** The author posted this same text before, within their first day. */
  readonly repeat: boolean;
  /** Spammy, and the author's first spammy post in 10 minutes: counts the author once per 10 minutes. */
  readonly newSpamPoster: boolean;
}

/** A message as the window reads it. */
export interface MessageSeen {
  readonly ts: number;
  readonly userId: string;
  readonly content: string;
  readonly mentionCount: number;
  readonly mentionsEveryone: boolean;
}

/** Look-alike usernames (`luna_88`, `Luna.91`, `luna1337`) fold to one skeleton. */
export function nameSkeleton(username: string): string {
  return username
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const LINK = /\bhttps?:\/\/|\bwww\.|discord(?:\.gg|app\.com\/invite|\.com\/invite)\//i;
const EVERYONE = /@(?:everyone|here)\b/;

/** Whether a message carries what spam carries: a link, an invite, a ping of everyone, many mentions. */
export function looksSpammy(
  message: Pick<MessageSeen, 'content' | 'mentionCount' | 'mentionsEveryone'>,
): boolean {
  return (
    message.mentionsEveryone ||
    message.mentionCount >= 3 ||
    LINK.test(message.content) ||
    EVERYONE.test(message.content)
  );
}

const MINUTE = 60_000;
const HALF_LIFE_MS = 60 * MINUTE;
/** The long baseline forgets slowly, so a raid that drips for an hour does not become the norm. */
const LONG_HALF_LIFE_MS = 12 * 60 * MINUTE;
/** Until the guild has been watched this long, the long baseline assumes it saw this much time. */
const LONG_MIN_SPAN_MS = 60 * MINUTE;
/**
 * What the long baseline assumes of that unwatched time: joins at a quarter of a percent of the
 * members a day. A guild of a million first seen taking six joins a minute is having an ordinary
 * minute, not a spike 60 times its (unknown) rate; a guild of 500 is assumed to see about one
 * join a day, as quiet as before.
 */
const UNWATCHED_JOINS_PER_MEMBER_MINUTE = 0.0025 / (24 * 60);
/**
 * Joins stay in the window this long: the last minute, 10 minutes and hour are scored; older
 * joins make the guild's reference mix, what its usual newcomers look like.
 */
export const HORIZON_MS = 60 * MINUTE;
const MAX_POSTS_PER_USER = 4;
const SPAM_SPAN_MS = 10 * MINUTE;
/** Before the guild has shown its own, newcomers are taken to post spam this often, as if seen over this many joins. */
const SPAM_PRIOR = 0.02;
const SPAM_PRIOR_JOINS = 50;

/**
 * One guild's recent joins, newcomers' messages and invites, a slow baseline of its join rate,
 * and the mix of its usual newcomers, fed in time order. Plain data: the same events in the
 * same order always give the same window.
 */
export class GuildWindow {
  readonly joins: WindowJoin[] = [];
  readonly posts: NewcomerPost[] = [];
  readonly invitesCreated = new Map<string, { ts: number; inviterId: string | null }>();
  readonly seenMembers = new Set<string>();
  readonly reference = new ReferenceMix();
  memberCount = 0;
  /** When anything last changed what the features would read. */
  changedAt = 0;
  #baselinePerMin = 0;
  #baselineAt: number | undefined;
  #firstAt: number | undefined;
  #longJoins = 0;
  #longSpanMs = 0;
  /** Newcomers who posted links, invites or mass pings, counted per 10 minutes, once the hour is past. */
  #longSpamPosters = 0;
  /** Joins that have left the hour, decayed like `#longSpamPosters`: the newcomers who could have posted them. */
  #longPastJoins = 0;
  /** Newcomers (joined within NEWCOMER_MS) by member: when each joined. */
  readonly #joinedAt = new Map<string, number>();
  /** The same joins in time order, to forget them once they are a day old. */
  readonly #newcomers: { ts: number; userId: string }[] = [];
  #newcomersHead = 0;
  readonly #postsBy = new Map<string, { texts: string[]; lastSpammyAt: number | undefined }>();

  constructor(private readonly horizonMs = HORIZON_MS) {}

  get baselinePerMinute(): number {
    return this.#baselinePerMin;
  }

  /**
   * Joins per minute over the last half day or so, corrected for the time actually watched; in
   * the guild's first hour the rest of the hour counts as joins at a rate its size suggests.
   */
  get longBaselinePerMinute(): number {
    const unwatchedMin = Math.max(0, LONG_MIN_SPAN_MS - this.#longSpanMs) / MINUTE;
    const assumed = this.memberCount * UNWATCHED_JOINS_PER_MEMBER_MINUTE * unwatchedMin;
    return ((this.#longJoins + assumed) / Math.max(this.#longSpanMs, LONG_MIN_SPAN_MS)) * MINUTE;
  }

  /**
   * How many of the guild's newcomers usually post links, invites or mass pings (counted once per
   * 10 minutes), per join, over the last half day or so before the current hour, pulled towards
   * 2% while the guild has shown few joins. In a big guild many newcomers share a GIF, a clip or
   * a tweet; a count that is a raid in a guild of 500 is an afternoon in one of 500,000. The
   * current hour is left out of both counts, so a raid's own spam does not become the norm and
   * a surge's joins, whose posts have not come yet, do not make the usual rate look lower.
   */
  get spamPostersPerJoin(): number {
    return (this.#longSpamPosters + SPAM_PRIOR * SPAM_PRIOR_JOINS) / (this.#longPastJoins + SPAM_PRIOR_JOINS);
  }

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
    this.#longSpamPosters *= keep;
    this.#longPastJoins *= keep;
    this.#longSpanMs = this.#longSpanMs * keep + ((1 - keep) * LONG_HALF_LIFE_MS) / Math.LN2;
    this.#baselineAt = ts;
  }

  addJoin(join: {
    ts: number;
    userId: string;
    username: string;
    accountCreatedAt: number;
    defaultAvatar: boolean;
    inviteCode: string | null;
  }): void {
    this.#decayTo(join.ts);
    this.#baselinePerMin += (Math.LN2 * MINUTE) / HALF_LIFE_MS;
    this.#longJoins += 1;
    const invite = join.inviteCode ? this.invitesCreated.get(join.inviteCode) : undefined;
    const inviterJoined = invite?.inviterId ? this.#joinedAt.get(invite.inviterId) : undefined;
    this.joins.push({
      ts: join.ts,
      userId: join.userId,
      accountCreatedAt: join.accountCreatedAt,
      defaultAvatar: join.defaultAvatar,
      nameSkeleton: nameSkeleton(join.username),
      inviteCode: join.inviteCode,
      viaNewInviter: inviterJoined !== undefined,
      rejoin: this.seenMembers.has(join.userId),
    });
    this.seenMembers.add(join.userId);
    this.#joinedAt.set(join.userId, join.ts);
    this.#newcomers.push({ ts: join.ts, userId: join.userId });
    this.memberCount++;
    this.changedAt = join.ts;
    this.#prune(join.ts);
  }

  addLeave(ts: number): void {
    this.#decayTo(ts);
    this.memberCount = Math.max(0, this.memberCount - 1);
  }

  /** Every message of every guild passes here: one map lookup unless its author is a newcomer. */
  addMessage(message: MessageSeen): void {
    const joined = this.#joinedAt.get(message.userId);
    if (joined === undefined || message.ts - joined > NEWCOMER_MS) return;
    const author = this.#postsBy.get(message.userId) ?? { texts: [], lastSpammyAt: undefined };
    if (author.texts.length >= MAX_POSTS_PER_USER) return;
    const text = message.content.trim().toLowerCase();
    author.texts.push(text);
    this.#postsBy.set(message.userId, author);
    const spammy = looksSpammy(message);
    const newSpamPoster =
      spammy && (author.lastSpammyAt === undefined || message.ts - author.lastSpammyAt >= SPAM_SPAN_MS);
    if (newSpamPoster) author.lastSpammyAt = message.ts;
    this.posts.push({
      repeat: text.length > 0 && author.texts.indexOf(text) < author.texts.length - 1,
      ts: message.ts,
      userId: message.userId,
      sinceJoinMs: Math.max(0, message.ts - joined),
      spammy,
      newSpamPoster,
    });
    this.changedAt = message.ts;
  }

  addInvite(code: string, ts: number, inviterId: string | null = null): void {
    this.invitesCreated.set(code, { ts, inviterId });
  }

  /** How many joins came within `spanMs` before `now` (and not before `since`). */
  recentCount(now: number, spanMs: number, since = 0): number {
    let n = 0;
    const from = Math.max(now - spanMs, since - 1);
    for (let i = this.joins.length - 1; i >= 0; i--) {
      const ts = this.joins[i]?.ts ?? 0;
      if (ts <= from) break;
      if (ts <= now) n++;
    }
    return n;
  }

  /** Joins within `spanMs` before `now`, none before `since`. */
  recent(now: number, spanMs: number, since = 0): WindowJoin[] {
    const from = Math.max(now - spanMs, since - 1);
    let end = this.joins.length;
    while (end > 0 && (this.joins[end - 1]?.ts ?? 0) > now) end--;
    let start = end;
    while (start > 0 && (this.joins[start - 1]?.ts ?? 0) > from) start--;
    return this.joins.slice(start, end);
  }

  /** Newcomers' posts within `spanMs` before `now`, none before `since`. */
  recentPosts(now: number, spanMs: number, since = 0): NewcomerPost[] {
    const from = Math.max(now - spanMs, since - 1);
    const out: NewcomerPost[] = [];
    for (let i = this.posts.length - 1; i >= 0; i--) {
      const post = this.posts[i];
      if (!post || post.ts <= from) break;
      if (post.ts <= now) out.push(post);
    }
    return out;
  }

  /**
   * The time of the newest join or newcomer's post at or before `now`, if any is in the window:
   * a guild is watched while either comes, so sleepers who joined hours ago and post together
   * are seen even when nobody is joining.
   */
  lastActivityAt(now: number): number | undefined {
    const join = this.lastJoinAt(now);
    for (let i = this.posts.length - 1; i >= 0; i--) {
      const ts = this.posts[i]?.ts ?? 0;
      if (ts <= now) return join === undefined ? ts : Math.max(ts, join);
    }
    return join;
  }

  /** The time of the newest join at or before `now`, if any is in the window. */
  lastJoinAt(now: number): number | undefined {
    for (let i = this.joins.length - 1; i >= 0; i--) {
      const ts = this.joins[i]?.ts ?? 0;
      if (ts <= now) return ts;
    }
    return undefined;
  }

  /** Members who joined before `cutoff` are no longer newcomers (a rejoin since keeps its own entry). */
  #forgetNewcomers(cutoff: number): void {
    const queue = this.#newcomers;
    while (this.#newcomersHead < queue.length && (queue[this.#newcomersHead]?.ts ?? 0) < cutoff) {
      const gone = queue[this.#newcomersHead++];
      if (gone && this.#joinedAt.get(gone.userId) === gone.ts) {
        this.#joinedAt.delete(gone.userId);
        this.#postsBy.delete(gone.userId);
      }
    }
    // Compact now and then rather than shifting on every join.
    if (this.#newcomersHead > 1024 && this.#newcomersHead * 2 > queue.length) {
      queue.splice(0, this.#newcomersHead);
      this.#newcomersHead = 0;
    }
  }

  #prune(now: number): void {
    const cutoff = now - this.horizonMs;
    let drop = 0;
    while (drop < this.joins.length && (this.joins[drop]?.ts ?? 0) < cutoff) drop++;
    if (drop > 0) {
      // A join that has left the window is history: it joins the guild's usual mix.
      for (const gone of this.joins.splice(0, drop)) this.reference.add(gone);
      this.#longPastJoins += drop;
    }
    this.#forgetNewcomers(now - NEWCOMER_MS);
    let dropPosts = 0;
    while (dropPosts < this.posts.length && (this.posts[dropPosts]?.ts ?? 0) < cutoff) dropPosts++;
    if (dropPosts > 0) {
      // A post that has left the window is history: it joins the guild's usual posting.
      for (const gone of this.posts.splice(0, dropPosts)) if (gone.newSpamPoster) this.#longSpamPosters += 1;
    }
    for (const [code, invite] of this.invitesCreated) {
      if (invite.ts < now - 7 * 24 * 60 * MINUTE) this.invitesCreated.delete(code);
    }
  }
}
