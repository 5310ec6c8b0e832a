import { createDiscordRest, type DiscordPort } from '@chat-guard/discord';
import {
  AttributionStore,
  InviteSnapshots,
  JoinBatcher,
  type MemberAttributed,
  MemberSearch,
  refreshSnapshot,
} from '@chat-guard/invite-tracker';
import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { Prng, startSandbox } from '@chat-guard/sandbox';
import { connectRedis } from '@chat-guard/store';
import { type Command, intOption, UsageError } from '../command.ts';
import { reach, urlOption } from '../connections.ts';

export interface BurstOptions {
  readonly seed: number;
  readonly redisUrl: string;
  readonly joins?: number;
  readonly invites?: number;
  readonly durationMs?: number;
  readonly settleMs?: number;
  /** Make the sandbox refuse Discord's member search (403), to see the uses method alone. */
  readonly refuseMemberSearch?: boolean;
}

/** What the burst scenario reports: one JSON line of `invites eval`. */
export interface BurstFigures {
  readonly joins: number;
  readonly exact: number;
  /** Exact by the change in invite uses, and by Discord's member search. */
  readonly exactByUses: number;
  readonly exactBySearch: number;
  readonly exactCorrect: number;
  readonly ambiguous: number;
  readonly vanity: number;
  readonly unknown: number;
  /** Requests attribution made: invite lists plus member searches. */
  readonly restCalls: number;
  readonly memberSearches: number;
  /** Whether the member search was refused, so the uses method worked alone. */
  readonly memberSearchRefused: boolean;
}

/** Counts the invite listings and member searches the batcher makes: the REST cost of attribution. */
function countingPort(port: Pick<DiscordPort, 'listInvites' | 'searchMembers'>) {
  const counter = {
    lists: 0,
    searches: 0,
    listInvites(guildId: string) {
      counter.lists++;
      return port.listInvites(guildId);
    },
    searchMembers(guildId: string, body: Parameters<DiscordPort['searchMembers']>[1]) {
      counter.searches++;
      return port.searchMembers(guildId, body);
    },
  };
  return counter;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The burst of the issue, on a sandbox with real Redis: `joins` members join through `invites`
 * invites within `durationMs`, at seeded times, the invites' popularity falling off as 1/rank
 * (as shared links do); each join goes to the invite-tracker's batcher as the gateway would
 * hand it over, over the real REST API, and is checked against the invite it really used.
 */
export async function runInviteBurst(options: BurstOptions): Promise<BurstFigures> {
  const rng = new Prng(options.seed);
  const joinCount = options.joins ?? 200;
  const durationMs = options.durationMs ?? 5_000;
  const redis = connectRedis(options.redisUrl, 'chat-guard invites eval');
  // Each failed reconnect emits 'error'; the command fails on the rejected ping that follows.
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  await reach('Redis', options.redisUrl, '--redis-url', async () => {
    await redis.ping().catch((err: unknown) => {
      throw lastError ?? err;
    });
  }).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const sandbox = await startSandbox({ guilds: [{ members: 5 }], seed: options.seed });
  const [guildId = ''] = sandbox.guilds;
  const store = new AttributionStore(redis);
  try {
    await store.clear(guildId);
    const codes = Array.from(
      { length: options.invites ?? 10 },
      () => sandbox.users.createInvite({ guildId, maxAge: 0 }).code,
    );
    const weights = codes.map((_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const pick = (): string => {
      let r = rng.next() * total;
      for (const [i, w] of weights.entries()) {
        r -= w;
        if (r < 0) return codes[i] ?? '';
      }
      return codes[codes.length - 1] ?? '';
    };
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    await refreshSnapshot(discord, new InviteSnapshots(redis), guildId, null);
    // The sandbox shares this clock: no skew between join times and fetch times.
    await sleep(5);
    const port = countingPort(discord);
    if (options.refuseMemberSearch) sandbox.faults.memberSearch('refuse');
    let refused = false;
    const batcher = new JoinBatcher({
      discord: port,
      store,
      memberSearch: new MemberSearch({
        discord: port,
        onUnavailable: () => {
          refused = true;
        },
      }),
      ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
      attribute: { unclaimedTtlMs: 60_000, clockSkewMs: 0 },
    });
    const offsets = Array.from({ length: joinCount }, () => rng.int(0, durationMs - 1)).sort((a, b) => a - b);
    const start = Date.now();
    const truth = new Map<string, string>();
    const pending: Promise<MemberAttributed>[] = [];
    for (const offset of offsets) {
      const wait = start + offset - Date.now();
      if (wait > 0) await sleep(wait);
      const code = pick();
      const { user, member } = sandbox.users.addMember({
        guildId,
        inviteCode: code,
        user: {
          createdAt: Date.now() - rng.int(0, 900) * 86_400_000,
          avatar: rng.chance(0.5) ? null : `a${rng.int(0, 1e9)}`,
          username: `burst_${rng.int(0, 1e9)}`,
        },
      });
      truth.set(user.id, code);
      pending.push(
        batcher.attribute({
          guildId,
          userId: user.id,
          username: user.username,
          globalName: user.globalName,
          avatar: user.avatar,
          bot: user.bot,
          joinedAt: member.joinedAt,
        }),
      );
    }
    const attributions = await Promise.all(pending);
    const count = (confidence: MemberAttributed['confidence']) =>
      attributions.filter((a) => a.confidence === confidence).length;
    const exact = attributions.filter((a) => a.confidence === 'exact');
    return {
      joins: attributions.length,
      exact: count('exact'),
      exactByUses: exact.filter((a) => a.method === 'uses').length,
      exactBySearch: exact.filter((a) => a.method === 'member-search').length,
      exactCorrect: attributions.filter(
        (a) => a.confidence === 'exact' && truth.get(a.userId) === a.inviteCode,
      ).length,
      ambiguous: count('ambiguous'),
      vanity: count('vanity'),
      unknown: count('unknown'),
      restCalls: port.lists + port.searches,
      memberSearches: port.searches,
      memberSearchRefused: refused,
    };
  } finally {
    await store.clear(guildId);
    redis.disconnect();
    await sandbox.close();
  }
}

export const invitesCommand: Command = {
  name: 'invites',
  summary: 'Evaluate join attribution on a seeded burst (`invites eval`)',
  positionals: '<eval>',
  options: {
    seed: {
      type: 'string',
      description: 'Seed for invite popularity, join times and accounts',
      default: '1',
    },
    'settle-ms': {
      type: 'string',
      description: 'How long the first join of a batch waits for more before the fetch',
      default: '300',
    },
    'refuse-member-search': {
      type: 'boolean',
      description: "Make the sandbox refuse Discord's member search, to see the uses method alone",
      default: false,
    },
    'redis-url': {
      type: 'string',
      description: 'Redis URL',
      default: parseEnv(baseEnv.pick({ REDIS_URL: true })).REDIS_URL,
    },
  },
  details: [
    'eval starts a Discord sandbox in this process, creates 10 invites (popularity falling off as',
    '1/rank), has 200 members join through them within 5 seconds at seeded times and runs the',
    "invite-tracker's own batcher over the sandbox's REST API and Redis: the change in invite uses,",
    "then Discord's member search for the joins the uses leave ambiguous. It prints one JSON line:",
    '  {"joins","exact","exactByUses","exactBySearch","exactCorrect","ambiguous","vanity","unknown",',
    '   "restCalls","memberSearches","memberSearchRefused"}',
    'exactCorrect counts the exact attributions that name the invite really used (it should equal',
    'exact); restCalls counts the invite listings and member searches the batcher made.',
    '--refuse-member-search makes the sandbox refuse the search: the uses method works alone.',
    'Needs Redis, not NATS.',
  ].join('\n'),
  async run(args) {
    const [action, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
    if (action !== 'eval') throw new UsageError(action ? `unknown invites action "${action}"` : 'say eval');
    const figures = await runInviteBurst({
      seed: intOption(args, 'seed', 0, 2 ** 32 - 1),
      redisUrl: urlOption(args, 'redis-url', 'Redis'),
      settleMs: intOption(args, 'settle-ms', 0, 10_000),
      refuseMemberSearch: args.values['refuse-member-search'] === true,
    });
    console.log(JSON.stringify(figures));
    return 0;
  },
};
