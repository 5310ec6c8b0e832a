import { createHash } from 'node:crypto';
import {
  editCaseReason,
  escalationPolicy,
  insertCase,
  moderate,
  openCase,
  recordViolation,
  recordViolations,
  type Verdict,
} from '@chat-guard/enforcer';
import { connectPostgres } from '@chat-guard/store';
import { describe, expect, it } from 'vitest';
import {
  cases,
  database,
  guildId,
  harness,
  moderation,
  moderationTestSetUp,
  view,
} from './moderationHarness.ts';

moderationTestSetUp();

let messageSeq = 1_300_000_000_000_000_000n;
function verdict(userId: string, at: number): Verdict {
  messageSeq += 1n;
  return {
    guildId,
    channelId: view().channels.general ?? '',
    messageId: messageSeq.toString(),
    userId,
    violations: [{ type: 'invite', detail: 'an invite to another server: "discord.gg/x"' }],
    contentHash: createHash('sha256').update(`m${messageSeq}`).digest('hex'),
    revision: 0,
    detectedAt: at,
  };
}

const policy = escalationPolicy({ violationWindowHours: 24, muteDurationMinute: 60 });

describe('cases', () => {
  it('are numbered 1, 2, 3… per guild, never twice, however many replicas open them at once', async () => {
    // Two pools stand for two enforcer replicas racing on one guild (and one case of another guild).
    const other = connectPostgres(database.url, {
      onError: (err) => {
        throw err;
      },
    });
    try {
      const opened = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const db = i % 2 === 0 ? database.db : other.db;
          return i % 3 === 0
            ? recordViolation(db, verdict(view().memberIds[i % 10] ?? '', Date.now()), policy).then(
                (r) => r.caseNumber,
              )
            : openCase(db, {
                guildId,
                userId: view().memberIds[i % 10] ?? '',
                actorId: 'chat-guard',
                action: 'note',
                reason: `note ${i}`,
                counts: false,
                auditKeys: [],
                idempotencyKey: `test:${i}`,
                createdAt: Date.now(),
              });
        }),
      );
      expect([...opened].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const elsewhere = await insertCase(database.db, {
        guildId: '1100000000000000999',
        userId: null,
        actorId: 'chat-guard',
        action: 'note',
        reason: 'elsewhere',
        counts: false,
        auditKeys: [],
        idempotencyKey: 'test:elsewhere',
        createdAt: Date.now(),
      });
      expect(elsewhere).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('keep the evidence as a hash and the rule, never the message, and a redelivered verdict opens none', async () => {
    const member = view().memberIds[0] ?? '';
    const v = verdict(member, Date.now());
    const first = await recordViolation(database.db, v, policy);
    const again = await recordViolation(database.db, v, policy);
    expect(again).toEqual(first);
    const [only, ...more] = await cases();
    expect(more).toEqual([]);
    expect(only).toMatchObject({
      number: 1,
      action: 'warn',
      actor_id: 'chat-guard',
      rule: 'invite',
      reason: 'an invite link',
      evidence_hash: v.contentHash,
      audit_keys: [`delete:${v.messageId}:0`, `warn:${v.messageId}:0`],
    });
    expect(JSON.stringify(only)).not.toContain('discord.gg');
  });

  it('record a burst in one batch in the order it happened, the member told once a step', async () => {
    const [spammer, other] = view().memberIds;
    const at = Date.now();
    // Five messages of one member a second apart, handed over newest first, and one of another.
    const burst = [4, 3, 2, 1, 0].map((s) => verdict(spammer ?? '', at + s * 1_000));
    const bystander = verdict(other ?? '', at);
    const recorded = await recordViolations(database.db, [...burst, bystander, burst[0] as Verdict], policy);
    const inOrder = recorded.slice(0, 5).reverse();
    expect(inOrder.map((r) => [r.escalation.action, r.escalation.count, r.notice])).toEqual([
      ['warn', 1, 'tell'],
      ['warn', 2, 'folded'],
      ['timeout', 3, 'tell'],
      ['timeout', 4, 'folded'],
      ['timeout', 5, 'folded'],
    ]);
    expect(recorded[5]).toMatchObject({ escalation: { action: 'warn', count: 1 }, notice: 'tell' });
    expect(recorded[6]).toEqual(recorded[0]); // the same verdict twice in a batch: one case
    const rows = await cases();
    expect(rows.map((r) => r.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(recorded.map((r) => r.caseNumber)).size).toBe(6);
    // A redelivery of the whole burst later decides exactly the same.
    expect(await recordViolations(database.db, burst, policy)).toEqual(recorded.slice(0, 5));
  });

  it('end a burst of three in a timeout when its verdicts come one batch each, newest first', async () => {
    const member = view().memberIds[2] ?? '';
    const at = Date.now();
    const [first, second, third] = [0, 1, 2].map((s) => verdict(member, at + s * 400));
    const handled = [];
    // As the enforcer's batches can take them when the content-filter finishes them out of order.
    for (const v of [third, first, second])
      handled.push(await recordViolation(database.db, v as Verdict, policy));
    expect(handled.map((r) => [r.escalation.action, r.escalation.count])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['timeout', 3],
    ]);
  });

  it.each([
    [true, 'timeout'],
    [false, 'warn'],
  ])(
    "count a moderator's warning towards the escalation when configured (%s → %s)",
    async (counting, expected) => {
      const { deps } = harness({ manualCasesCount: counting });
      const member = view().memberIds[1] ?? '';
      await moderate(deps, moderation('warn', { userId: member, reason: 'first' }));
      const at = Date.now();
      expect((await recordViolation(database.db, verdict(member, at), policy)).escalation.action).toBe(
        'warn',
      );
      const third = await recordViolation(database.db, verdict(member, at + 1), policy);
      expect(third.escalation.action).toBe(expected);
    },
  );

  it('take a corrected reason, audited with the old one, once however often delivered', async () => {
    const { deps, audits } = harness();
    const member = view().memberIds[2] ?? '';
    await moderate(deps, moderation('warn', { userId: member, reason: 'spamm' }));
    const edit = {
      guildId,
      caseNumber: 1,
      reason: 'spam in #general',
      moderatorId: view().adminId ?? '',
      requestId: '1500000000000000001',
      requestedAt: Date.now(),
    };
    await editCaseReason(deps, edit);
    await editCaseReason(deps, edit);
    const [edited] = await cases();
    expect(edited).toMatchObject({ reason: 'spam in #general', reason_edited_by: view().adminId });
    expect(edited?.audit_keys).toEqual([
      expect.stringMatching(/^moderation:/),
      'case.edit:1500000000000000001',
    ]);
    const edits = audits.filter((a) => a.action === 'case.reason_edit');
    expect(edits.map((a) => a.details)).toEqual([
      { caseNumber: 1, previousReason: 'spamm' },
      { caseNumber: 1, previousReason: 'spamm' },
    ]);
    await expect(
      editCaseReason(deps, { ...edit, caseNumber: 99, requestId: '1500000000000000002' }),
    ).rejects.toThrow(/no case #99/);
  });
});
