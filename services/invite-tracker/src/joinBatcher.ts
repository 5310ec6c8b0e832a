import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { type EventPayload, snowflakeTimestamp } from '@chat-guard/events';
import {
  type AttributeOptions,
  type Attribution,
  attributeJoins,
  DEFAULT_ATTRIBUTE_OPTIONS,
} from './attributeJoins.ts';
import { type AttributionStore, joinKey, type MemberAttributed } from './attributionStore.ts';
import type { MemberSearch } from './memberSearch.ts';
import { needsSearch, settleBySearch } from './settleBySearch.ts';

export type MemberJoined = EventPayload<'member.joined'>;

export interface JoinBatcherOptions {
  readonly discord: Pick<DiscordPort, 'listInvites'>;
  readonly store: AttributionStore;
  /** Discord's member search, to settle what the uses leave ambiguous; the uses alone without it. */
  readonly memberSearch?: Pick<MemberSearch, 'joinSources'>;
  /** How long the first join of a batch waits for more before the fetch (default 300 ms). */
  readonly settleMs?: number;
  /** Fetch at once when this many joins wait: the consumer hands out no more until they are done. */
  readonly maxBatch?: number;
  readonly attribute?: AttributeOptions;
  readonly now?: () => number;
}

interface Pending {
  readonly join: MemberJoined;
  readonly arrivedAt: number;
  resolve(attribution: MemberAttributed): void;
  reject(err: unknown): void;
}

interface GuildQueue {
  pending: Pending[];
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
}

/** The attribution a member gets, with what the anomaly detector needs of them. */
export function attributedPayload(join: MemberJoined, attribution: Attribution): MemberAttributed {
  const accountCreatedAt = snowflakeTimestamp(join.userId);
  return {
    guildId: join.guildId,
    userId: join.userId,
    username: join.username,
    globalName: join.globalName,
    avatar: join.avatar,
    bot: join.bot,
    joinedAt: join.joinedAt,
    accountCreatedAt,
    accountAgeMs: join.joinedAt - accountCreatedAt,
    inviteCode: attribution.inviteCode,
    inviterId: attribution.inviterId,
    confidence: attribution.confidence,
    candidates: [...attribution.candidates],
    reason: attribution.reason,
    campaign: null,
    ...(attribution.confidence === 'exact' || attribution.confidence === 'vanity'
      ? { method: 'uses' as const }
      : {}),
  };
}

const unknown = (reason: NonNullable<Attribution['reason']>): Attribution => ({
  confidence: 'unknown',
  inviteCode: null,
  inviterId: null,
  candidates: [],
  reason,
});

/**
 * Coalesces joins per guild: one invite fetch per guild at a time; the joins that arrived before
 * a fetch started are attributed together from its deltas, those arriving during it wait for
 * the next. `attribute` resolves once the attribution is stored, so a caller that acks after it
 * loses nothing in a crash, and a redelivered join gets the stored attribution again.
 */
export class JoinBatcher {
  readonly #guilds = new Map<string, GuildQueue>();
  readonly #settleMs: number;
  readonly #options: AttributeOptions;
  readonly #now: () => number;

  constructor(private readonly deps: JoinBatcherOptions) {
    this.#settleMs = deps.settleMs ?? 300;
    this.#options = deps.attribute ?? DEFAULT_ATTRIBUTE_OPTIONS;
    this.#now = deps.now ?? Date.now;
  }

  attribute(join: MemberJoined): Promise<MemberAttributed> {
    if (join.bot) return Promise.resolve(attributedPayload(join, unknown('bot')));
    return new Promise((resolve, reject) => {
      const queue = this.#queue(join.guildId);
      queue.pending.push({ join, arrivedAt: this.#now(), resolve, reject });
      if (queue.timer && queue.pending.length >= (this.deps.maxBatch ?? Number.POSITIVE_INFINITY)) {
        clearTimeout(queue.timer);
        queue.timer = undefined;
      }
      this.#schedule(join.guildId, queue);
    });
  }

  #queue(guildId: string): GuildQueue {
    let queue = this.#guilds.get(guildId);
    if (!queue) {
      queue = { pending: [], timer: undefined, inFlight: undefined };
      this.#guilds.set(guildId, queue);
    }
    return queue;
  }

  #schedule(guildId: string, queue: GuildQueue): void {
    const [first] = queue.pending;
    if (queue.inFlight || queue.timer || !first) return;
    const full = queue.pending.length >= (this.deps.maxBatch ?? Number.POSITIVE_INFINITY);
    const wait = full ? 0 : Math.max(0, first.arrivedAt + this.#settleMs - this.#now());
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      const batch = queue.pending.splice(0);
      queue.inFlight = this.#run(guildId, batch).finally(() => {
        queue.inFlight = undefined;
        if (queue.pending.length === 0 && !queue.timer) this.#guilds.delete(guildId);
        else this.#schedule(guildId, queue);
      });
    }, wait);
  }

  async #run(guildId: string, batch: readonly Pending[]): Promise<void> {
    try {
      const done = await this.#attributeBatch(
        guildId,
        batch.map((p) => p.join),
      );
      for (const p of batch) {
        const attribution = done.get(joinKey(p.join));
        if (attribution) p.resolve(attribution);
        else p.reject(new Error(`join ${joinKey(p.join)} was left unattributed`));
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** Attributes a batch under the guild's lock and stores it; returns every join's attribution. */
  #attributeBatch(guildId: string, joins: readonly MemberJoined[]): Promise<Map<string, MemberAttributed>> {
    const { store, discord } = this.deps;
    return store.withLock(guildId, async () => {
      const done = await store.attributed(guildId, [...new Set(joins.map(joinKey))]);
      const fresh = uniqueBy(
        joins.filter((j) => !done.has(joinKey(j))),
        joinKey,
      );
      if (fresh.length === 0) return done;
      const state = await store.read(guildId);
      const started = this.#now();
      const made: MemberAttributed[] = [];
      const toDiff: MemberJoined[] = [];
      for (const join of fresh) {
        // Rebuilt after the member joined: its use is inside the baseline, its delta lost.
        if (join.joinedAt <= state.rebuiltAt + this.#options.clockSkewMs)
          made.push(attributedPayload(join, unknown('restart')));
        // Older than unclaimed uses are kept: its use may have been forgotten.
        else if (join.joinedAt < started - this.#options.unclaimedTtlMs)
          made.push(attributedPayload(join, unknown('late')));
        else toDiff.push(join);
      }
      let invites = null;
      if (toDiff.length > 0) {
        try {
          invites = await discord.listInvites(guildId);
        } catch (err) {
          if (!isDiscordRefused(err)) throw err;
          for (const join of toDiff) made.push(attributedPayload(join, unknown('no-permission')));
        }
      }
      let unclaimed = state.unclaimed;
      let rebuiltAt: number | undefined;
      if (invites && state.rebuiltAt === 0) {
        // No baseline (Redis lost, or the guild never became available): this fetch becomes one.
        rebuiltAt = this.#now();
        for (const join of toDiff) made.push(attributedPayload(join, unknown('restart')));
      } else if (invites) {
        const result = attributeJoins(
          { invites: state.invites, unclaimed: state.unclaimed, vanished: state.vanished },
          { invites, vanity: state.vanity, at: this.#now() },
          toDiff,
          this.#options,
        );
        unclaimed = [...result.unclaimed];
        toDiff.forEach((join, i) => {
          const attribution = result.attributions[i];
          if (attribution) made.push(attributedPayload(join, attribution));
        });
      }
      let attributions = made;
      const asking = made.filter(needsSearch);
      if (this.deps.memberSearch && asking.length > 0) {
        const sources = await this.deps.memberSearch.joinSources(
          guildId,
          asking.map((a) => a.userId),
        );
        if (sources) ({ attributions, unclaimed } = settleBySearch(made, sources, unclaimed));
      }
      await store.commit(guildId, {
        invites,
        // Tombstones of invites this diff saw vanish, whichever consumer got there first.
        vanishedSeen: [...state.vanished, ...state.invites].map((i) => i.code),
        unclaimed,
        attributions,
        ...(rebuiltAt === undefined ? {} : { rebuiltAt }),
      });
      for (const a of attributions) done.set(joinKey(a), a);
      return done;
    });
  }
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
