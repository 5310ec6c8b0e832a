import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDiscordRest, type DiscordPort } from '@chat-guard/discord';
import {
  AttributionStore,
  InviteSnapshots,
  JoinBatcher,
  type MemberAttributed,
  type MemberJoined,
  refreshSnapshot,
} from '@chat-guard/invite-tracker';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const store = new AttributionStore(redis);
let sandbox: Sandbox;
let discord: DiscordPort;
// The sandbox shares our clock: no skew between its join times and our fetch times.
const options = { unclaimedTtlMs: 60_000, clockSkewMs: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  sandbox = await startSandbox({
    guilds: [{}, { vanityCode: 'ourplace' }, { botLacks: ['ManageGuild'] }, {}, {}],
    seed: 55,
  });
  discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  for (const guildId of sandbox.guilds) await store.clear(guildId);
});
afterAll(async () => {
  for (const guildId of sandbox.guilds) await store.clear(guildId);
  await sandbox.close();
  redis.disconnect();
});

function guild(i: number): string {
  const id = sandbox.guilds[i];
  if (!id) throw new Error(`no guild ${i}`);
  return id;
}

/** A batcher over the sandbox's REST that counts its invite listings. */
function batcher(settleMs = 100) {
  const port = {
    calls: 0,
    listInvites(guildId: string) {
      port.calls++;
      return discord.listInvites(guildId);
    },
  };
  return { port, batcher: new JoinBatcher({ discord: port, store, settleMs, attribute: options }) };
}

/** Someone joins through `inviteCode`; returns the member.joined the gateway would publish. */
function join(guildId: string, inviteCode: string | null): MemberJoined {
  const { user, member } = sandbox.users.addMember({ guildId, inviteCode, user: { avatar: null } });
  return {
    guildId,
    userId: user.id,
    username: user.username,
    globalName: user.globalName,
    avatar: user.avatar,
    bot: user.bot,
    joinedAt: member.joinedAt,
  };
}

async function rebuild(guildId: string, vanity: string | null = null): Promise<void> {
  await refreshSnapshot(discord, new InviteSnapshots(redis), guildId, vanity);
  await sleep(5);
}

describe('join attribution on the sandbox', () => {
  const burst = async (...extra: string[]) => {
    const run = promisify(execFile);
    const { stdout } = await run(
      'node_modules/.bin/chat-guard',
      ['invites', 'eval', '--seed', '1', ...extra],
      {
        env: { ...process.env, REDIS_URL },
        timeout: 80_000,
      },
    );
    console.log(
      `burst of 200 joins through 10 invites${extra.length ? ` (${extra.join(' ')})` : ''}: ${stdout.trim()}`,
    );
    return JSON.parse(stdout.trim()) as Record<string, number | boolean>;
  };

  it("settles the 200-join burst through 10 invites exactly with Discord's member search, in few REST calls", async () => {
    const figures = await burst();
    expect(Object.keys(figures)).toEqual([
      'joins',
      'exact',
      'exactByUses',
      'exactBySearch',
      'exactCorrect',
      'ambiguous',
      'vanity',
      'unknown',
      'restCalls',
      'memberSearches',
      'memberSearchRefused',
    ]);
    expect(figures.joins).toBe(200);
    expect(figures.exact).toBeGreaterThanOrEqual(190);
    expect(figures.exactCorrect).toBe(figures.exact);
    expect(Number(figures.exactByUses) + Number(figures.exactBySearch)).toBe(figures.exact);
    expect(figures.exactBySearch).toBeGreaterThan(0);
    expect(figures.memberSearchRefused).toBe(false);
    expect(figures.restCalls).toBeLessThanOrEqual(40);
  }, 90_000);

  it('falls back to the uses method, honestly ambiguous, when Discord refuses the member search', async () => {
    const figures = await burst('--refuse-member-search');
    expect(figures.memberSearchRefused).toBe(true);
    expect(figures.joins).toBe(200);
    expect(figures.exactBySearch).toBe(0);
    expect(figures.exactCorrect).toBe(figures.exact);
    expect(Number(figures.exact) + Number(figures.ambiguous) + Number(figures.unknown)).toBe(200);
    expect(figures.ambiguous).toBeGreaterThan(150);
    // One refused search, then the uses alone: the burst costs what it did before member search.
    expect(figures.memberSearches).toBe(1);
    expect(figures.restCalls).toBeLessThanOrEqual(26);
  }, 90_000);

  it('attributes a burst through one invite exactly, in a few fetches', async () => {
    const guildId = guild(0);
    const invite = sandbox.users.createInvite({ guildId, maxAge: 0 });
    sandbox.users.createInvite({ guildId, maxAge: 0 });
    await rebuild(guildId);
    const { port, batcher: b } = batcher();
    const pending: Promise<MemberAttributed>[] = [];
    for (let i = 0; i < 40; i++) {
      pending.push(b.attribute(join(guildId, invite.code)));
      await sleep(10);
    }
    const attributions = await Promise.all(pending);
    for (const a of attributions) {
      expect(a).toMatchObject({ confidence: 'exact', inviteCode: invite.code, inviterId: invite.inviterId });
    }
    expect(port.calls).toBeLessThanOrEqual(8);
  });

  it('gives vanity joins `vanity`', async () => {
    const guildId = guild(1);
    sandbox.users.createInvite({ guildId, maxAge: 0 });
    await rebuild(guildId, 'ourplace');
    const { batcher: b } = batcher();
    const attributions = await Promise.all([1, 2, 3].map(() => b.attribute(join(guildId, 'vanity'))));
    for (const a of attributions) {
      expect(a).toMatchObject({
        confidence: 'vanity',
        inviteCode: 'ourplace',
        inviterId: null,
        reason: null,
      });
    }
  });

  it('attributes a single-use invite used and deleted, even when its deletion arrives first', async () => {
    const guildId = guild(3);
    sandbox.users.createInvite({ guildId, maxAge: 0 });
    const once = sandbox.users.createInvite({ guildId, maxUses: 1, maxAge: 0 });
    const twice = sandbox.users.createInvite({ guildId, maxUses: 1, maxAge: 0 });
    await rebuild(guildId);
    const { batcher: b } = batcher();
    expect(await b.attribute(join(guildId, once.code))).toMatchObject({
      confidence: 'exact',
      inviteCode: once.code,
    });
    const joined = join(guildId, twice.code);
    // INVITE_DELETE comes before GUILD_MEMBER_ADD; its consumer may well win the race.
    await new InviteSnapshots(redis).remove(guildId, twice.code);
    expect(await b.attribute(joined)).toMatchObject({ confidence: 'exact', inviteCode: twice.code });
  });

  it('says unknown, no permission, where the bot may not list invites, and does not retry', async () => {
    const guildId = guild(2);
    const invite = sandbox.users.createInvite({ guildId, maxAge: 0 });
    const { port, batcher: b } = batcher();
    const attributions = await Promise.all([1, 2, 3].map(() => b.attribute(join(guildId, invite.code))));
    for (const a of attributions) {
      expect(a).toMatchObject({ confidence: 'unknown', reason: 'no-permission', inviteCode: null });
    }
    expect(port.calls).toBe(1);
  });

  it('counts nobody twice across a restart in the middle of a burst', async () => {
    const guildId = guild(4);
    const a = sandbox.users.createInvite({ guildId, maxAge: 0 });
    const b = sandbox.users.createInvite({ guildId, maxAge: 0 });
    await rebuild(guildId);
    const first = batcher().batcher;
    const early = [1, 2, 3, 4, 5].map(() => join(guildId, a.code));
    const before = await Promise.all(early.map((j) => first.attribute(j)));
    // The first tracker dies before it sees these three: they are redelivered to the next one.
    const unseen = [1, 2, 3].map(() => join(guildId, a.code));
    const { port, batcher: second } = batcher();
    const again = await Promise.all([...early, ...unseen].map((j) => second.attribute(j)));
    expect(again.slice(0, 5)).toEqual(before);
    for (const x of again) expect(x).toMatchObject({ confidence: 'exact', inviteCode: a.code });
    expect(port.calls).toBe(1);

    // The gateway restarts too: the snapshot is rebuilt after this join, before it is attributed.
    const lost = join(guildId, a.code);
    await sleep(2);
    await rebuild(guildId);
    const late = [1, 2].map(() => join(guildId, b.code));
    const third = batcher().batcher;
    const [restarted, ...after] = await Promise.all([lost, ...late, ...early].map((j) => third.attribute(j)));
    expect(restarted).toMatchObject({ confidence: 'unknown', reason: 'restart' });
    expect(after.slice(0, 2)).toMatchObject([
      { confidence: 'exact', inviteCode: b.code },
      { confidence: 'exact', inviteCode: b.code },
    ]);
    expect(after.slice(2)).toEqual(before);

    const exactA = new Set([...again, ...after].filter((x) => x.inviteCode === a.code).map((x) => x.userId));
    expect(exactA.size).toBe(8);
    expect(sandbox.state.guilds[guildId]?.invites[a.code]?.uses).toBe(9);
  });
});
