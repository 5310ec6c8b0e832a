import { createDiscordRest, DiscordUnavailableError } from '@chat-guard/discord';
import { ActionBusyError, claimActions, type DeleteRequest, MessageDeletions } from '@chat-guard/enforcer';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { database, guildId, moderationTestSetUp, sandbox, view } from './moderationHarness.ts';

moderationTestSetUp();

const DAY = 86_400_000;

function post(n: number): DeleteRequest {
  const channelId = view().channels.general ?? '';
  const userId = view().memberIds[n % 5] ?? '';
  const message = sandbox.users.postMessage({ channelId, userId, content: `buy followers #${n}` });
  return {
    key: `delete:${message.id}:0`,
    guildId,
    channelId,
    messageId: message.id,
    reason: 'Chat Guard: spam',
  };
}

function deletions(now = Date.now) {
  const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  return new MessageDeletions({ db: database.db, discord, now });
}

const acted = () => ({
  single: sandbox.inspect.actions({ kind: 'message.deleted', guildId }).map((a) => a.messageIds?.[0]),
  bulk: sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId }).map((a) => a.messageIds),
});

const ledger = () => database.db.selectFrom('enforcement_action').select(['key', 'status']).execute();

describe('message deletions', () => {
  it('delete one message at once, and the ones that queue behind it in one bulk call', async () => {
    const deleter = deletions();
    const requests = Array.from({ length: 12 }, (_, n) => post(n));
    const [first, ...rest] = requests;
    if (!first) throw new Error('no message');
    const outcomes = await Promise.all([deleter.delete(first), ...rest.map((r) => deleter.delete(r))]);
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(acted()).toEqual({ single: [first.messageId], bulk: [rest.map((r) => r.messageId)] });
    expect((await ledger()).every((row) => row.status === 'done')).toBe(true);
  });

  it('share a deletion still in flight with a redelivered verdict, and skip one already done', async () => {
    const deleter = deletions();
    const request = post(0);
    const [once, twice] = await Promise.all([deleter.delete(request), deleter.delete(request)]);
    expect([once, twice]).toEqual([{ status: 'done' }, { status: 'done' }]);
    // A restarted enforcer (a new deleter) reads the ledger and calls Discord no more.
    expect(await deletions().delete(request)).toEqual({ status: 'done' });
    expect(acted()).toEqual({ single: [request.messageId], bulk: [] });
  });

  it('leave a claim another delivery holds to it, and take it over once the lease has run out', async () => {
    const request = post(0);
    // Another replica claimed it a moment ago and is still at work (or died just now).
    await claimActions(database.db, [{ key: request.key, guildId, kind: 'message.delete' }]);
    await expect(deletions().delete(request)).rejects.toBeInstanceOf(ActionBusyError);
    expect(acted()).toEqual({ single: [], bulk: [] });
    await sql`update enforcement_action set created_at = now() - interval '31 seconds'`.execute(database.db);
    expect(await deletions().delete(request)).toEqual({ status: 'done' });
    expect(acted()).toEqual({ single: [request.messageId], bulk: [] });
  });

  it('delete messages near 14 days old one by one, never in bulk', async () => {
    const deleter = deletions(() => Date.now() + 14 * DAY);
    const requests = Array.from({ length: 4 }, (_, n) => post(n));
    await Promise.all(requests.map((r) => deleter.delete(r)));
    expect(acted().bulk).toEqual([]);
    expect(acted().single.sort()).toEqual(requests.map((r) => r.messageId).sort());
  });

  it('record a refusal once and leave a transient failure pending for the retry', async () => {
    const deleter = deletions();
    // The bot loses Manage Messages in the channel: Discord refuses (403) the whole batch.
    const state = sandbox.state.guilds[guildId];
    const bot = state?.members[sandbox.state.botUserId];
    if (!state || !bot) throw new Error('no bot member');
    const kept = [...bot.roles];
    bot.roles = [];
    const refused = await Promise.all([post(1), post(2), post(3)].map((r) => deleter.delete(r)));
    expect(refused.map((o) => o.status)).toEqual(['failed', 'failed', 'failed']);
    expect((await ledger()).map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    bot.roles = kept;

    sandbox.faults.serverErrors(1);
    const request = post(4);
    try {
      await expect(deleter.delete(request)).rejects.toBeInstanceOf(DiscordUnavailableError);
    } finally {
      sandbox.faults.clear();
    }
    expect((await ledger()).find((r) => r.key === request.key)?.status).toBe('pending');
    expect(await deleter.delete(request)).toEqual({ status: 'done' });
    expect(acted().single).toEqual([request.messageId]);
  });
});
