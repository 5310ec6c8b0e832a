import { describeViolations, nextEscalation } from '@chat-guard/enforcer';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const policy = { warningsBeforeTimeout: 2, windowMs: 24 * HOUR, timeoutMs: 10 * 60_000 };
const now = 1_732_000_000_000;

describe('escalation (the paper, Table 1)', () => {
  it.each([
    ['a first violation', [], { action: 'warn', count: 1, warningsLeft: 1 }],
    ['a second violation', [now - HOUR], { action: 'warn', count: 2, warningsLeft: 0 }],
    [
      'a third violation',
      [now - 2 * HOUR, now - HOUR],
      { action: 'timeout', count: 3, untilMs: now + 10 * 60_000 },
    ],
    ['a fifth violation', [1, 2, 3, 4].map((n) => now - n * HOUR), { action: 'timeout', count: 5 }],
    [
      'a third whose first fell out of the window',
      [now - 25 * HOUR, now - HOUR],
      { action: 'warn', count: 2 },
    ],
  ])('answers %s', (_name, earlier, expected) => {
    expect(nextEscalation(earlier, policy, now)).toMatchObject(expected);
  });

  it('names what was broken in plain words', () => {
    expect(describeViolations(['invite'])).toBe('an invite link');
    expect(describeViolations(['invite', 'spam', 'invite', 'link'])).toBe('an invite link, spam and a link');
  });
});
