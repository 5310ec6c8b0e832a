import { defaultGuildConfig, topology } from '@chat-guard/events';
import {
  announceGuildConfig,
  GuildConfigCache,
  loadGuildConfig,
  updateGuildConfig,
} from '@chat-guard/guild-config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busFactory, uniqueNamespace, waitFor } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';

const GUILD = '1100000000000000001';
const ADMIN = '1300000000000000007';
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let factory: ReturnType<typeof busFactory>;
const caches: GuildConfigCache[] = [];
const noErrors = (err: Error) => {
  throw err;
};

beforeEach(async () => {
  database = await migratedDatabase();
  factory = busFactory(uniqueNamespace(), topology);
  await (await factory.open()).provision();
});
afterEach(async () => {
  for (const cache of caches.splice(0)) await cache.stop();
  await factory.cleanup();
  await database.close();
});

async function startCache(name: string) {
  const cache = await GuildConfigCache.start(await factory.open(name), noErrors);
  caches.push(cache);
  return cache;
}

describe('guild configuration', () => {
  it('starts from the paper defaults and stores a change with a new revision', async () => {
    expect(await loadGuildConfig(database.db, GUILD)).toEqual({ config: defaultGuildConfig(), revision: 0 });
    const update = await updateGuildConfig(database.db, GUILD, () => ({ spamGuard: false }), ADMIN);
    expect(update.revision).toBe(1);
    expect(update.changes).toEqual(['spamGuard: true → false']);
    const unchanged = await updateGuildConfig(database.db, GUILD, () => ({ spamGuard: false }), ADMIN);
    expect(unchanged.revision).toBe(1);
    expect(unchanged.changes).toEqual([]);
    expect((await loadGuildConfig(database.db, GUILD)).config.spamGuard).toBe(false);
  });

  it('refuses a change the schema does not allow, naming the field', async () => {
    await expect(
      updateGuildConfig(database.db, GUILD, () => ({ muteDurationMinute: 0 }), ADMIN),
    ).rejects.toThrow(/muteDurationMinute/);
    expect((await loadGuildConfig(database.db, GUILD)).revision).toBe(0);
  });

  it('refuses a webhook URL over 500 characters on the server, whatever the client checked', async () => {
    const webhookUrl = `https://oncall.example/${'x'.repeat(500)}`;
    await expect(
      updateGuildConfig(database.db, GUILD, (c) => ({ lockdown: { ...c.lockdown, webhookUrl } }), ADMIN),
    ).rejects.toThrow(/webhookUrl/);
    expect((await loadGuildConfig(database.db, GUILD)).revision).toBe(0);
  });

  it('applies concurrent changes one after the other', async () => {
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((word) =>
        updateGuildConfig(database.db, GUILD, (c) => ({ filteredWords: [...c.filteredWords, word] }), ADMIN),
      ),
    );
    const stored = await loadGuildConfig(database.db, GUILD);
    expect([...stored.config.filteredWords].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(stored.revision).toBe(4);
  });

  it('reaches every replica at once, and a replica started later reads the latest', async () => {
    const publisher = await factory.open('gateway');
    const replicaA = await startCache('replica-a');
    const replicaB = await startCache('replica-b');
    expect(replicaA.get(GUILD).inviteGuard).toBe(true);

    const update = await updateGuildConfig(database.db, GUILD, () => ({ inviteGuard: false }), ADMIN);
    const stored = { config: update.after, revision: update.revision };
    expect(await announceGuildConfig(publisher, GUILD, stored, ADMIN, Date.now())).toBe(true);
    await waitFor(
      () => replicaA.get(GUILD).inviteGuard === false && replicaB.get(GUILD).inviteGuard === false,
      'both replicas',
    );
    const later = await startCache('replica-c');
    expect(later.get(GUILD).inviteGuard).toBe(false);
    expect(later.revision(GUILD)).toBe(1);
  });

  it('lets a reader wait for the revision an event reports, and says when it never came', async () => {
    const publisher = await factory.open('gateway');
    const replica = await startCache('replica');
    const update = await updateGuildConfig(database.db, GUILD, () => ({ linkGuard: true }), ADMIN);
    const waiting = replica.reached(GUILD, update.revision, 5_000);
    await announceGuildConfig(
      publisher,
      GUILD,
      { config: update.after, revision: update.revision },
      ADMIN,
      Date.now(),
    );
    expect(await waiting).toBe(true);
    expect(replica.get(GUILD).linkGuard).toBe(true);
    expect(await replica.reached(GUILD, update.revision + 1, 200)).toBe(false);
  });

  it('never lets a slower writer replace a newer revision with an older one', async () => {
    const publisher = await factory.open('gateway');
    const first = await updateGuildConfig(database.db, GUILD, () => ({ linkGuard: true }), ADMIN);
    const second = await updateGuildConfig(database.db, GUILD, () => ({ spamThreshold: 9 }), ADMIN);
    expect(
      await announceGuildConfig(
        publisher,
        GUILD,
        { config: second.after, revision: second.revision },
        ADMIN,
        2,
      ),
    ).toBe(true);
    expect(
      await announceGuildConfig(
        publisher,
        GUILD,
        { config: first.after, revision: first.revision },
        ADMIN,
        1,
      ),
    ).toBe(false);
    const cache = await startCache('replica');
    expect(cache.revision(GUILD)).toBe(2);
    expect(cache.get(GUILD)).toMatchObject({ linkGuard: true, spamThreshold: 9 });
  });
});
