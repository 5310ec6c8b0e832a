import { topology } from '@chat-guard/events';
import { describe, expect, it } from 'vitest';
import { formatSummary, readSummary } from '../../libs/cli/src/liveSummary.ts';
import { busFactory, uniqueNamespace } from '../support/bus.ts';

const quiet = {
  messages: 40,
  joins: 3,
  violations: 1,
  lockdowns: 0,
  lifted: 0,
  gates: 0,
  gatesEnded: 0,
  audited: 2,
  deadLetters: 0,
};

describe('the live summary of chat-guard up', () => {
  it('names lockdowns and how many were lifted only once there are some', () => {
    expect(formatSummary(quiet)).not.toContain('LOCKDOWNS');
    const line = formatSummary({ ...quiet, lockdowns: 2, lifted: 1 });
    expect(line).toContain('LOCKDOWNS 2 (1 lifted)');
    expect(line).toContain('joins 3');
  });

  it('names gates beside lockdowns only once there are some', () => {
    expect(formatSummary(quiet)).not.toContain('GATES');
    expect(formatSummary({ ...quiet, gates: 3, gatesEnded: 2 })).toContain('GATES 3 (2 ended)');
  });

  it("counts gates, and lockdowns lifted by the detector or by an admin's answer, each once", async () => {
    const factory = busFactory(uniqueNamespace(), topology);
    try {
      const bus = await factory.open('summary');
      await bus.provision();
      const guildId = '1100000000000000001';
      const at = Date.UTC(2026, 11, 1);
      const ids = [0, 1, 2].map((i) => `${guildId}-${at + i}`);
      for (const lockdownId of ids)
        await bus.publish('lockdown.requested', {
          guildId,
          lockdownId,
          score: 0.9,
          threshold: 0.8,
          reasons: [],
          features: {},
          featureVersion: 1,
          joinsLastMinute: 30,
          topInvite: null,
          raidWindowStart: at - 60_000,
          suspectIds: [],
          requestedAt: at,
        });
      const lift = { guildId, score: 0.1, reasons: [], release: false, liftedAt: at + 60_000 };
      await bus.publish('lockdown.lifted', { ...lift, lockdownId: ids[0] ?? '', liftedBy: 'detector' });
      const answer = { guildId, moderatorId: '1300000000000000001', answeredAt: at + 60_000 };
      // An admin's lift of the second; only a confirmation of the third.
      await bus.publish('lockdown.answered', {
        ...answer,
        lockdownId: ids[1] ?? '',
        answer: 'lift',
        requestId: '1400000000000000001',
      });
      await bus.publish('lockdown.answered', {
        ...answer,
        lockdownId: ids[2] ?? '',
        answer: 'confirm-ban',
        requestId: '1400000000000000002',
      });
      const gate = { guildId, score: 0.6, reasons: [] };
      await bus.publish('gate.started', {
        ...gate,
        gateId: `${guildId}-${at}`,
        threshold: 0.5,
        features: {},
        featureVersion: 1,
        joinsLastMinute: 12,
        startedAt: at,
      });
      await bus.publish('gate.ended', {
        ...gate,
        gateId: `${guildId}-${at}`,
        endedBy: 'detector',
        endedAt: at + 1,
      });

      const counts = await readSummary(bus, undefined);
      expect(counts).toMatchObject({ lockdowns: 3, lifted: 2, gates: 1, gatesEnded: 1 });
      expect(formatSummary(counts)).toContain('GATES 1 (1 ended) · LOCKDOWNS 3 (2 lifted)');
    } finally {
      await factory.cleanup();
    }
  });
});
