import { describe, expect, it } from 'vitest';
import { formatSummary, RaidTally, sinceBaseline } from '../../libs/cli/src/liveSummary.ts';

const none = { lockdowns: 0, liftedByDetector: 0, liftedByAdmin: 0, gates: 0 };
const quiet = {
  messages: 40,
  joins: 3,
  violations: 1,
  audited: 2,
  deadLetters: 0,
  gated: 0,
  passed: 0,
  ...none,
};

describe('the live summary of chat-guard up', () => {
  it('names lockdowns and who lifted them only once there are some', () => {
    expect(formatSummary(quiet)).not.toContain('LOCKDOWNS');
    const line = formatSummary({ ...quiet, lockdowns: 2, liftedByDetector: 1, liftedByAdmin: 1 });
    expect(line).toContain('LOCKDOWNS 2 (lifted: 1 by the detector, 1 by an admin)');
    expect(line).toContain('joins 3');
  });

  it('counts this run only: the streams less what they held when it started, never below zero', () => {
    const baseline = {
      messages: 1000,
      joins: 50,
      violations: 20,
      audited: 40,
      deadLetters: 2,
      gated: 5,
      passed: 4,
    };
    const now = {
      messages: 1040,
      joins: 53,
      violations: 21,
      audited: 42,
      deadLetters: 1,
      gated: 7,
      passed: 5,
    };
    expect(sinceBaseline(now, baseline)).toEqual({
      messages: 40,
      joins: 3,
      violations: 1,
      audited: 2,
      deadLetters: 0,
      gated: 2,
      passed: 1,
    });
  });

  it('tells an admin lift from the detector lift, and counts each lockdown and gate once', () => {
    const tally = new RaidTally();
    tally.add('lockdown.123.requested', { lockdownId: '123-1' });
    tally.add('lockdown.123.requested', { lockdownId: '123-1' }); // a retried publish
    tally.add('audit.123.lockdown', { lockdownId: '123-1', kind: 'started', by: null });
    tally.add('audit.123.lockdown', { lockdownId: '123-1', kind: 'lifted', by: '456' });
    tally.add('lockdown.123.requested', { lockdownId: '123-2' });
    tally.add('audit.123.lockdown', { lockdownId: '123-2', kind: 'lifted', by: null });
    tally.add('gate.123.started', { gateId: '123-3' });
    tally.add('lockdown.123.answered', { lockdownId: '123-2', answer: 'extend' });
    expect(tally.counts).toEqual({ lockdowns: 2, liftedByDetector: 1, liftedByAdmin: 1, gates: 1 });
    expect(formatSummary({ ...quiet, ...tally.counts })).toContain('gates 1');
  });

  it('counts the newcomers the member gate held and those who passed', () => {
    expect(formatSummary({ ...quiet, gated: 4, passed: 3 })).toContain('gated 4 (3 passed)');
  });
});
