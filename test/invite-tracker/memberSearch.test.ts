import { createDiscordRest, DiscordRefusedError } from '@chat-guard/discord';
import {
  type JoinSource,
  type MemberAttributed,
  MemberSearch,
  settleBySearch,
  type Unclaimed,
} from '@chat-guard/invite-tracker';
import { JOIN_SOURCE, type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let sandbox: Sandbox;
let guildId: string;
beforeEach(async () => {
  sandbox = await startSandbox({ guilds: [{ members: 3, vanityCode: 'club' }], seed: 404 });
  guildId = sandbox.guilds[0] ?? '';
});
afterEach(() => sandbox.close());

const rest = () => createDiscordRest({ api: sandbox.api, token: sandbox.token });
const post = async (body: unknown) => {
  const response = await fetch(`${sandbox.api}/v10/guilds/${guildId}/members-search`, {
    method: 'POST',
    headers: { authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("the sandbox's members-search", () => {
  it('answers the members a query names with how each joined, as Discord does', async () => {
    const invite = sandbox.users.createInvite({ guildId, maxAge: 0 });
    const a = sandbox.users.addMember({ guildId, inviteCode: invite.code });
    const b = sandbox.users.addMember({ guildId, inviteCode: 'vanity' });
    const c = sandbox.users.addMember({ guildId });
    const { status, body } = await post({
      and_query: { user_id: { or_query: [a.user.id, b.user.id, c.user.id] } },
      limit: 10,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ guild_id: guildId, page_result_count: 3, total_result_count: 3 });
    const members = body.members as {
      member: { user: { id: string } };
      source_invite_code: string | null;
      join_source_type: number;
      inviter_id: string | null;
    }[];
    const byId = new Map(members.map((m) => [m.member.user.id, m]));
    expect(byId.get(a.user.id)).toMatchObject({
      source_invite_code: invite.code,
      join_source_type: JOIN_SOURCE.invite,
      inviter_id: invite.inviterId,
    });
    expect(byId.get(b.user.id)).toMatchObject({
      source_invite_code: 'club',
      join_source_type: JOIN_SOURCE.vanityUrl,
    });
    expect(byId.get(c.user.id)).toMatchObject({
      source_invite_code: null,
      join_source_type: JOIN_SOURCE.unspecified,
    });
    // Newest joins first (sort 1, the default).
    expect(members.map((m) => m.member.user.id)).toEqual([c.user.id, b.user.id, a.user.id]);

    const byCode = await post({
      and_query: { source_invite_code: { or_query: [invite.code] } },
      limit: 1000,
    });
    expect((byCode.body.members as unknown[]).length).toBe(1);
  });

  it("refuses a body Discord refuses, naming the field with Discord's codes", async () => {
    const tooMany = await post({ limit: 1001 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({
      code: 50035,
      errors: { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX' }] } },
    });
    const badType = await post({ and_query: { join_source_type: { or_query: [8] } }, limit: 5 });
    expect(badType.body).toMatchObject({
      errors: {
        and_query: { join_source_type: { or_query: { '0': { _errors: [{ code: 'NUMBER_TYPE_MAX' }] } } } },
      },
    });
  });

  it('refuses, says it is indexing, or answers in a new shape when the switch says so', async () => {
    sandbox.faults.memberSearch('refuse');
    expect((await post({ limit: 1 })).status).toBe(403);
    sandbox.faults.memberSearch('indexing');
    const indexing = await post({ limit: 1 });
    expect(indexing.status).toBe(202);
    expect(indexing.body).toMatchObject({ retry_after: 5 });
    sandbox.faults.memberSearch('changed');
    expect((await post({ limit: 1 })).body.members).toBeUndefined();
    sandbox.faults.clear();
    expect((await post({ limit: 1 })).body.members).toHaveLength(1);
  });
});

describe('MemberSearch', () => {
  it('reads how members joined, and falls back (said once) when Discord refuses or changes shape', async () => {
    const invite = sandbox.users.createInvite({ guildId, maxAge: 0 });
    const joined = sandbox.users.addMember({ guildId, inviteCode: invite.code });
    const said: string[] = [];
    let clock = Date.now();
    const search = new MemberSearch({
      discord: rest(),
      onUnavailable: (_guild, reason) => said.push(reason),
      onAvailable: () => said.push('available'),
      now: () => clock,
    });
    const found = await search.joinSources(guildId, [joined.user.id]);
    expect(found?.get(joined.user.id)).toMatchObject({
      code: invite.code,
      type: 5,
      joinedAt: joined.member.joinedAt,
    });

    sandbox.faults.memberSearch('changed');
    expect(await search.joinSources(guildId, [joined.user.id])).toBeNull();
    expect(await search.joinSources(guildId, [joined.user.id])).toBeNull();
    expect(said).toEqual([expect.stringMatching(/changed shape \(members: /)]);

    sandbox.faults.memberSearch('refuse');
    clock += 11 * 60_000;
    expect(await search.joinSources(guildId, [joined.user.id])).toBeNull();
    expect(said).toHaveLength(1); // still the same episode: said once
    sandbox.faults.clear();
    clock += 11 * 60_000;
    expect((await search.joinSources(guildId, [joined.user.id]))?.size).toBe(1);
    expect(said.at(-1)).toBe('available');
  });

  it('asks for at most 1,000 members per request', async () => {
    const bodies: unknown[] = [];
    const search = new MemberSearch({
      discord: {
        searchMembers: async (_guild, body) => {
          bodies.push(body);
          return { members: [], page_result_count: 0, total_result_count: 0 };
        },
      },
      onUnavailable: () => {
        throw new Error('not expected');
      },
    });
    const ids = Array.from({ length: 2_345 }, (_, i) => String(1_300_000_000_000_000_000n + BigInt(i)));
    expect((await search.joinSources(guildId, ids))?.size).toBe(0);
    expect(bodies.map((b) => (b as { limit: number }).limit)).toEqual([1000, 1000, 345]);
    const refused = new MemberSearch({
      discord: {
        searchMembers: async () => {
          throw new DiscordRefusedError(403, 50013, 'Missing Permissions');
        },
      },
      onUnavailable: (_g, reason) => bodies.push(reason),
    });
    expect(await refused.joinSources(guildId, ids)).toBeNull();
    expect(bodies.at(-1)).toMatch(/refused: Missing Permissions/);
  });
});

function attributed(userId: string, joinedAt: number, over: Partial<MemberAttributed>): MemberAttributed {
  return {
    guildId: '1100000000000000001',
    userId,
    username: 'u',
    globalName: null,
    avatar: null,
    bot: false,
    joinedAt,
    accountCreatedAt: 0,
    accountAgeMs: joinedAt,
    inviteCode: null,
    inviterId: null,
    confidence: 'ambiguous',
    candidates: ['aaa', 'bbb'],
    reason: null,
    campaign: null,
    ...over,
  };
}

describe('settleBySearch', () => {
  const at = 1_750_000_000_000;
  const source = (userId: string, over: Partial<JoinSource>): JoinSource => ({
    userId,
    joinedAt: at,
    type: 5,
    code: 'aaa',
    inviterId: '1300000000000000009',
    ...over,
  });

  it.each<[string, MemberAttributed, JoinSource | undefined, Partial<MemberAttributed>]>([
    [
      'an ambiguous join Discord names the invite of',
      attributed('1', at, {}),
      source('1', {}),
      {
        confidence: 'exact',
        inviteCode: 'aaa',
        inviterId: '1300000000000000009',
        candidates: [],
        method: 'member-search',
      },
    ],
    [
      'an ambiguous join through the vanity URL',
      attributed('1', at, {}),
      source('1', { type: 6, code: 'club', inviterId: null }),
      { confidence: 'vanity', inviteCode: 'club', method: 'member-search' },
    ],
    [
      'a join the search does not know (yet)',
      attributed('1', at, {}),
      undefined,
      { confidence: 'ambiguous' },
    ],
    [
      'a join Discord describes at another time (they left and came back)',
      attributed('1', at, {}),
      source('1', { joinedAt: at + 60_000 }),
      { confidence: 'ambiguous' },
    ],
    [
      'a join through Discovery',
      attributed('1', at, {}),
      source('1', { type: 3, code: null, inviterId: null }),
      { confidence: 'ambiguous' },
    ],
    [
      'an unknown after a restart',
      attributed('1', at, { confidence: 'unknown', candidates: [], reason: 'restart' }),
      source('1', {}),
      { confidence: 'exact', inviteCode: 'aaa', reason: null },
    ],
    [
      'a bot (never through an invite)',
      attributed('1', at, { bot: true, confidence: 'unknown', candidates: [], reason: 'bot' }),
      source('1', {}),
      { confidence: 'unknown', reason: 'bot' },
    ],
  ])('settles %s as it should', (_what, join, found, expected) => {
    const sources = new Map(found ? [[found.userId, found]] : []);
    const [settled] = settleBySearch([join], sources, []).attributions;
    expect(settled).toMatchObject(expected);
  });

  it('claims one waiting use of the invite per settled join of the diff', () => {
    const waiting: Unclaimed[] = [
      { code: 'aaa', count: 2, max: 2, inviterId: null, seenAt: at },
      { code: 'bbb', count: 1, max: 1, inviterId: null, seenAt: at },
    ];
    const joins = [attributed('1', at, {}), attributed('2', at, {})];
    const { unclaimed } = settleBySearch(
      joins,
      new Map([
        ['1', source('1', {})],
        ['2', source('2', { code: 'bbb' })],
      ]),
      waiting,
    );
    expect(unclaimed).toEqual([{ code: 'aaa', count: 1, max: 1, inviterId: null, seenAt: at }]);
  });
});
