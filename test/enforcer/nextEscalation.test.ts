import { describeViolations, nextEscalation, noticeFor, type PastNotice } from '@chat-guard/enforcer';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const policy = {
  warningsBeforeTimeout: 2,
  windowMs: 24 * HOUR,
  timeoutMs: 10 * 60_000,
  noticeWindowMs: 60_000,
};
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
      'a third handled after the two posted after it (a burst out of order)',
      [now + 400, now + 900],
      { action: 'timeout', count: 3, untilMs: now + 10 * 60_000 },
    ],
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

describe('one notice per member per window', () => {
  const warn = { action: 'warn', count: 2, warningsLeft: 0 } as const;
  const timeout = { action: 'timeout', count: 3, untilMs: now + 10 * 60_000 } as const;
  const told = (agoMs: number, action = 'warn', untilMs: number | null = null): PastNotice => ({
    atMs: now - agoMs,
    action,
    told: true,
    untilMs,
  });
  it.each([
    ['a first warning', warn, [], 'tell'],
    ['a warning 10 s after the last one the member heard', warn, [told(10_000)], 'folded'],
    ['a warning a minute and more after the last one', warn, [told(60_000)], 'tell'],
    ['a warning handled after a later one the member heard', warn, [told(-10_000)], 'folded'],
    ['a warning 10 s after one that was itself folded', warn, [{ ...told(10_000), told: false }], 'tell'],
    ['the first timeout, 5 s after a warning', timeout, [told(5_000)], 'tell'],
    ['a timeout while the last one still runs', timeout, [told(5_000, 'timeout', now + 60_000)], 'folded'],
    ['a timeout once the last one has run out', timeout, [told(HOUR, 'timeout', now - 1)], 'tell'],
    ['a warning while a timeout runs', warn, [told(HOUR, 'timeout', now + 60_000)], 'folded'],
  ] as const)('%s: %s', (_name, escalation, past, expected) => {
    expect(noticeFor(escalation, past, policy, now)).toBe(expected);
  });
});
