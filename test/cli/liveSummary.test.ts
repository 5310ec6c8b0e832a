import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../libs/cli/src/liveSummary.ts';

const quiet = {
  messages: 40,
  joins: 3,
  violations: 1,
  lockdowns: 0,
  lifted: 0,
  audited: 2,
  deadLetters: 0,
  gated: 0,
  passed: 0,
};

describe('the live summary of chat-guard up', () => {
  it('names lockdowns and how many were lifted only once there are some', () => {
    expect(formatSummary(quiet)).not.toContain('LOCKDOWNS');
    const line = formatSummary({ ...quiet, lockdowns: 2, lifted: 1 });
    expect(line).toContain('LOCKDOWNS 2 (1 lifted)');
    expect(line).toContain('joins 3');
  });

  it('counts the newcomers the member gate held and those who passed', () => {
    expect(formatSummary({ ...quiet, gated: 4, passed: 3 })).toContain('gated 4 (3 passed)');
  });
});
