import { type DiscordPort, DiscordRefusedError, DiscordUnavailableError } from '@chat-guard/discord';
import { flushLogOutbox, recordAudit } from '@chat-guard/log-writer';
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

const GUILD = '1100000000000000001';
const LOG_CHANNEL = '1100000000000000300';
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

function postingDiscord(failWith?: Error) {
  const posts: { channelId: string; body: RESTPostAPIChannelMessageJSONBody }[] = [];
  const port: Pick<DiscordPort, 'sendMessage'> = {
    sendMessage: async (channelId, body) => {
      if (failWith) throw failWith;
      posts.push({ channelId, body });
      return { id: String(posts.length) };
    },
  };
  return { port, posts };
}

async function recordTimeouts(n: number, logChannelId: string | null, from = 1) {
  for (let i = from; i < from + n; i++) {
    await recordAudit(
      database.db,
      {
        guildId: GUILD,
        action: 'member.timeout',
        actorId: 'chat-guard',
        targetId: '1300000000000000042',
        reason: 'an invite link',
        details: { count: 3, until: '2026-11-23T12:00:00.000Z', violations: 'invite' },
        idempotencyKey: `timeout:${i}`,
        at: 1_732_000_000_000 + i,
      },
      logChannelId,
    );
  }
}

it('posts the log embeds of a burst in messages of ten, in order, once', async () => {
  await recordTimeouts(15, LOG_CHANNEL);
  const discord = postingDiscord();
  const report = await flushLogOutbox(database.db, discord.port);
  expect(report).toEqual({ posted: 15, dropped: [], deferred: 0 });
  expect(discord.posts.map((p) => [p.channelId, p.body.embeds?.length])).toEqual([
    [LOG_CHANNEL, 10],
    [LOG_CHANNEL, 5],
  ]);
  const embeds = discord.posts.flatMap((p) => p.body.embeds ?? []) as APIEmbed[];
  expect(embeds[0]).toMatchObject({ title: 'Member timed out', description: 'an invite link' });
  expect(embeds.map((e) => e.fields?.find((f) => f.name === 'Audit entry')?.value.split(' ')[0])).toEqual(
    Array.from({ length: 15 }, (_, i) => `#${i + 1}`),
  );
  expect((await flushLogOutbox(database.db, discord.port)).posted).toBe(0);
});

it('queues nothing for a guild without a log channel', async () => {
  await recordTimeouts(2, null);
  const discord = postingDiscord();
  expect((await flushLogOutbox(database.db, discord.port)).posted).toBe(0);
});

it('keeps embeds for later when Discord is unavailable, and drops them when the channel is refused', async () => {
  await recordTimeouts(3, LOG_CHANNEL);
  const down = await flushLogOutbox(database.db, postingDiscord(new DiscordUnavailableError('502')).port);
  expect(down).toMatchObject({ posted: 0, deferred: 3 });
  const left = await database.db.selectFrom('log_outbox').select(['attempts', 'next_attempt_at']).execute();
  expect(left.map((r) => r.attempts)).toEqual([1, 1, 1]);
  expect(left.every((r) => r.next_attempt_at.getTime() > Date.now())).toBe(true);

  await database.db
    .updateTable('log_outbox')
    .set({ next_attempt_at: new Date(0) })
    .execute();
  const refused = await flushLogOutbox(
    database.db,
    postingDiscord(new DiscordRefusedError(403, 50013, 'Missing Access')).port,
  );
  expect(refused.dropped).toEqual([{ channelId: LOG_CHANNEL, reason: 'Missing Access', embeds: 3 }]);
  expect(await database.db.selectFrom('log_outbox').selectAll().execute()).toEqual([]);
});

it('posts a batch once when Discord applied it but answered 5xx, retrying with the same nonce', async () => {
  const { startSandbox } = await import('@chat-guard/sandbox');
  const { createDiscordRest } = await import('@chat-guard/discord');
  const sandbox = await startSandbox({ guilds: 1, seed: 61 });
  try {
    const guildId = sandbox.guilds[0] ?? '';
    const channel = sandbox.inspect.guild(guildId).channels.general ?? '';
    await recordTimeouts(12, channel);
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    // Every post takes effect, then fails, until the retries of the REST client are spent.
    sandbox.faults.serverErrors(1, { afterEffect: true, times: 8 });
    const first = await flushLogOutbox(database.db, discord);
    expect(first.deferred).toBeGreaterThan(0);
    sandbox.faults.clear();
    // Three more embeds arrive meanwhile: they must not be mixed into the batches already tried.
    await recordTimeouts(3, channel, 13);
    await database.db
      .updateTable('log_outbox')
      .set({ next_attempt_at: new Date(0) })
      .execute();
    const second = await flushLogOutbox(database.db, discord);
    expect(first.posted + second.posted).toBe(15);
    const posted = Object.values(sandbox.state.guilds[guildId]?.messages ?? {}).filter(
      (m) => m.channelId === channel,
    );
    const embeds = posted.flatMap((m) => m.embeds);
    expect(embeds).toHaveLength(15);
    expect(posted.map((m) => m.embeds.length).sort()).toEqual([10, 2, 3].sort());
  } finally {
    await sandbox.close();
  }
});
