import {
  type AttributeOptions,
  attributeJoins,
  type Baseline,
  type InviteCount,
  type Unclaimed,
} from '@chat-guard/invite-tracker';
import { Prng } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';

const invite = (code: string, uses: number, maxUses = 0, inviterId: string | null = `i-${code}`) => ({
  code,
  uses,
  maxUses,
  inviterId,
});
const joins = (n: number, joinedAt = 1_000) =>
  Array.from({ length: n }, (_, i) => ({ userId: String(i + 1), joinedAt }));
const baseline = (invites: InviteCount[], extra: Partial<Baseline> = {}): Baseline => ({
  invites,
  unclaimed: [],
  vanished: [],
  ...extra,
});
const AT = 2_000;

describe('attributing a batch of joins', () => {
  const cases: {
    name: string;
    before: Baseline;
    after: InviteCount[];
    vanity?: string;
    n: number;
    expected: Record<string, unknown>;
  }[] = [
    {
      name: 'one invite gaining as many uses as joins makes every join exact',
      before: baseline([invite('a', 3), invite('b', 1)]),
      after: [invite('a', 6), invite('b', 1)],
      n: 3,
      expected: { confidence: 'exact', inviteCode: 'a', inviterId: 'i-a', reason: null },
    },
    {
      name: 'two invites gaining make each join ambiguous between them',
      before: baseline([invite('a', 3), invite('b', 1)]),
      after: [invite('a', 4), invite('b', 2)],
      n: 2,
      expected: { confidence: 'ambiguous', inviteCode: null, candidates: ['a', 'b'] },
    },
    {
      name: 'ambiguous candidates of one inviter still name the inviter',
      before: baseline([invite('a', 0, 0, 'u1'), invite('b', 0, 0, 'u1')]),
      after: [invite('a', 1, 0, 'u1'), invite('b', 1, 0, 'u1')],
      n: 2,
      expected: { confidence: 'ambiguous', inviterId: 'u1' },
    },
    {
      name: 'a single-use invite that vanished is the only possibility',
      before: baseline([invite('a', 3), invite('once', 0, 1)]),
      after: [invite('a', 3)],
      n: 1,
      expected: { confidence: 'exact', inviteCode: 'once', inviterId: 'i-once' },
    },
    {
      name: 'a vanished single-use invite cannot explain two joins',
      before: baseline([invite('once', 0, 1)]),
      after: [],
      n: 2,
      expected: { confidence: 'unknown', reason: 'invite-vanished' },
    },
    {
      name: 'a vanished invite beside a gained one is a candidate',
      before: baseline([invite('a', 3), invite('gone', 2)]),
      after: [invite('a', 4)],
      n: 1,
      expected: { confidence: 'ambiguous', candidates: ['a', 'gone'] },
    },
    {
      name: 'nothing changed: unknown, no change',
      before: baseline([invite('a', 3)]),
      after: [invite('a', 3)],
      n: 1,
      expected: { confidence: 'unknown', reason: 'no-change' },
    },
    {
      name: 'fewer uses than joins: unknown rather than a guess',
      before: baseline([invite('a', 3)]),
      after: [invite('a', 4)],
      n: 2,
      expected: { confidence: 'unknown', reason: 'no-change' },
    },
    {
      name: 'no invite gained in a guild with a vanity URL: vanity',
      before: baseline([invite('a', 3)]),
      after: [invite('a', 3)],
      vanity: 'ourplace',
      n: 4,
      expected: { confidence: 'vanity', inviteCode: 'ourplace', inviterId: null },
    },
    {
      name: 'an invite gained beside a vanity URL: ambiguous, the vanity unlisted could be either',
      before: baseline([invite('a', 3)]),
      after: [invite('a', 4)],
      vanity: 'ourplace',
      n: 2,
      expected: { confidence: 'ambiguous', candidates: ['a', 'ourplace'] },
    },
    {
      name: 'an invite created and used since the last fetch counts from zero',
      before: baseline([invite('a', 3)]),
      after: [invite('a', 3), invite('new', 2)],
      n: 2,
      expected: { confidence: 'exact', inviteCode: 'new' },
    },
    {
      name: 'uses left unclaimed by a late join stay candidates for it',
      before: baseline([invite('a', 3)], {
        unclaimed: [{ code: 'b', count: 1, max: 1, inviterId: 'i-b', seenAt: 1_500 }],
      }),
      after: [invite('a', 4)],
      n: 1,
      expected: { confidence: 'ambiguous', candidates: ['a', 'b'] },
    },
    {
      name: 'unclaimed uses seen before the join happened are no candidates',
      before: baseline([invite('a', 3)], {
        unclaimed: [{ code: 'b', count: 1, max: 1, inviterId: 'i-b', seenAt: -5_000 }],
      }),
      after: [invite('a', 4)],
      n: 1,
      expected: { confidence: 'exact', inviteCode: 'a' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = attributeJoins(
        c.before,
        { invites: c.after, vanity: c.vanity ?? null, at: AT },
        joins(c.n),
      );
      expect(result.attributions).toHaveLength(c.n);
      for (const a of result.attributions) expect(a).toMatchObject(c.expected);
    });
  }

  it('claims every use when the counts explain the joins exactly, and leaves extra uses waiting', () => {
    const exact = attributeJoins(
      baseline([invite('a', 0), invite('b', 0)]),
      {
        invites: [invite('a', 1), invite('b', 1)],
        vanity: null,
        at: AT,
      },
      joins(2),
    );
    expect(exact.unclaimed).toEqual([]);
    const extra = attributeJoins(
      baseline([invite('a', 0)]),
      { invites: [invite('a', 3)], vanity: null, at: AT },
      joins(2),
    );
    expect(extra.attributions[0]).toMatchObject({ confidence: 'exact', inviteCode: 'a' });
    expect(extra.unclaimed).toEqual([{ code: 'a', count: 1, max: 1, inviterId: 'i-a', seenAt: AT }]);
  });
});

/** A seeded burst with late arrivals, fetched every few hundred ms; each attribution beside its truth. */
function simulateBurst(seed: number, options: AttributeOptions) {
  const rng = new Prng(seed);
  const vanity = rng.chance(0.3) ? 'vanity' : null;
  type SimInvite = InviteCount & { createdAt: number; deletedAt: number };
  const invites = new Map<string, SimInvite>();
  const inviteCount = rng.int(1, 6);
  for (let i = 0; i < inviteCount; i++) {
    const code = `c${i}`;
    const maxUses = rng.chance(0.3) ? rng.int(6, 9) : 0;
    // Some invites are made during the burst, some unlimited ones deleted by a moderator.
    const createdAt = i > 0 && rng.chance(0.2) ? rng.int(0, 3_000) : -1;
    invites.set(code, {
      code,
      uses: createdAt < 0 ? rng.int(0, 5) : 0,
      maxUses,
      inviterId: `u${i % 3}`,
      createdAt,
      deletedAt: maxUses === 0 && rng.chance(0.15) ? rng.int(0, 3_000) : Number.POSITIVE_INFINITY,
    });
  }
  const codes = [...invites.keys()];
  const used = new Map([...invites.values()].map((i) => [i.code, i.uses]));
  const liveAt = (invite: SimInvite, time: number, uses: number) =>
    invite.createdAt <= time && time < invite.deletedAt && (invite.maxUses === 0 || uses < invite.maxUses);
  const joinsByTime: { userId: string; joinedAt: number; arrivesAt: number; code: string }[] = [];
  let t = 0;
  for (let i = 0; i < rng.int(5, 60); i++) {
    t += rng.int(0, 150);
    const live = codes.filter((c) => {
      const invite = invites.get(c);
      return invite !== undefined && liveAt(invite, t, used.get(c) ?? 0);
    });
    // Skewed popularity, as real bursts are: one invite takes most joins.
    const code =
      vanity && (rng.chance(0.15) || live.length === 0)
        ? vanity
        : rng.chance(0.6)
          ? (live[0] ?? vanity)
          : live[rng.int(0, live.length - 1)];
    if (!code) continue;
    used.set(code, (used.get(code) ?? 0) + 1);
    joinsByTime.push({
      userId: String(i),
      joinedAt: t,
      arrivesAt: t + (rng.chance(0.2) ? rng.int(0, 900) : rng.int(0, 30)),
      code,
    });
  }
  const fetchEveryMs = rng.int(100, 700);
  /** The invite list Discord gives at `time`. */
  const usesAt = (time: number): InviteCount[] => {
    const uses = new Map([...invites.values()].map((i) => [i.code, i.uses]));
    for (const j of joinsByTime) if (j.joinedAt < time) uses.set(j.code, (uses.get(j.code) ?? 0) + 1);
    return [...invites.values()]
      .filter((i) => liveAt(i, time, uses.get(i.code) ?? 0))
      .map(({ createdAt: _c, deletedAt: _d, ...i }) => ({ ...i, uses: uses.get(i.code) ?? 0 }));
  };
  let before: Baseline = baseline(usesAt(-1));
  const results: { code: string; attribution: ReturnType<typeof attributeJoins>['attributions'][number] }[] =
    [];
  let done = 0;
  for (let fetchAt = fetchEveryMs; done < joinsByTime.length; fetchAt += fetchEveryMs) {
    const batch = joinsByTime.filter((j) => j.arrivesAt < fetchAt && j.arrivesAt >= fetchAt - fetchEveryMs);
    // Discord answers a little after the fetch starts; the answer counts every join until then.
    const after = { invites: usesAt(fetchAt + rng.int(0, 20)), vanity, at: fetchAt + 30 };
    // INVITE_CREATE adds a new invite to the baseline (with no uses) before the next fetch.
    const known = new Set(before.invites.map((i) => i.code));
    const created = [...invites.values()]
      .filter((i) => i.createdAt >= 0 && i.createdAt < fetchAt && !known.has(i.code))
      .map(({ createdAt: _c, deletedAt: _d, ...i }) => i);
    before = { ...before, invites: [...before.invites, ...created] };
    const result = attributeJoins(before, after, batch, options);
    batch.forEach((j, i) => {
      const attribution = result.attributions[i];
      if (attribution) results.push({ code: j.code, attribution });
    });
    done += batch.length;
    before = { invites: after.invites, unclaimed: result.unclaimed as Unclaimed[], vanished: [] };
  }
  return results;
}

describe('attribution on seeded bursts', () => {
  it('is never a wrong exact, and an ambiguous always names the right invite among its candidates', () => {
    let exact = 0;
    let total = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const results = simulateBurst(seed, { unclaimedTtlMs: 60_000, clockSkewMs: 0 });
      for (const { code, attribution } of results) {
        total++;
        if (attribution.confidence === 'exact') {
          exact++;
          expect(attribution.inviteCode, `seed ${seed}`).toBe(code);
        }
        if (attribution.confidence === 'vanity') expect(code, `seed ${seed}`).toBe('vanity');
        if (attribution.confidence === 'ambiguous')
          expect(attribution.candidates, `seed ${seed}`).toContain(code);
      }
    }
    // The check means something only if exact answers happen.
    expect(exact).toBeGreaterThan(total / 10);
  });
});
