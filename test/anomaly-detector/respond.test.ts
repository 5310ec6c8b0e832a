import { describe, expect, it } from 'vitest';
import {
  AT_REST,
  DEFAULT_POLICY,
  type GuildResponse,
  type Observation,
  stepResponse,
} from '../../services/anomaly-detector/src/decideResponse.ts';

const T = 1_780_000_000_000;
const busy = { joinsLastMinute: 20, joinsLast10Minutes: 60, joinsLastHour: 80, spike: 12 };
const quietCounts = { joinsLastMinute: 0, joinsLast10Minutes: 3, joinsLastHour: 3, spike: 0.5 };
const see = (over: Partial<Observation>): Observation => ({
  now: T,
  score: 0,
  ...busy,
  strong: [],
  reasons: ['join rate 12x baseline'],
  spamPosters: 0,
  usualSpamPosters: 0,
  lastActivityAt: T - 1_000,
  ...over,
});
const gate: GuildResponse = { level: 'gate', since: T - 60_000, calmSince: null, epoch: 0 };
const lockdown: GuildResponse = { level: 'lockdown', since: T - 60_000, calmSince: null, epoch: 0 };

describe('the graduated response', () => {
  it.each([
    // state, observation, decisions
    ['a high score alone gates', AT_REST, see({ score: 0.8 }), ['gate.start']],
    [
      'a very high score without strong evidence still only gates',
      AT_REST,
      see({ score: 0.99 }),
      ['gate.start'],
    ],
    [
      'a very high score with strong evidence locks down at once',
      AT_REST,
      see({ score: 0.95, strong: ['5 newcomers posted links'] }),
      ['lockdown.start'],
    ],
    [
      'a clear batch under the lockdown score is a gate',
      AT_REST,
      see({ score: 0.75, strong: ['9 of 10 accounts made together'] }),
      ['gate.start'],
    ],
    [
      'newcomers posting spam lock down whatever the score',
      AT_REST,
      see({ score: 0.3, strong: ['8 newcomers posted links'], spamPosters: 8, joinsLast10Minutes: 20 }),
      ['lockdown.start'],
    ],
    [
      'a gate becomes a lockdown when evidence turns strong, ending the gate in the same tick',
      gate,
      see({ score: 0.95, strong: ['9 of 10 accounts made together'] }),
      ['gate.end', 'lockdown.start'],
    ],
    [
      'no step on too few joins, whatever the score, without strong evidence',
      AT_REST,
      see({ score: 0.99, ...quietCounts }),
      [],
    ],
    [
      'strong evidence opens the guardrail: sleepers who joined hours ago posting spam together',
      AT_REST,
      see({
        score: 0.95,
        strong: ['6 newcomers posted links, invites or mass pings'],
        spamPosters: 6,
        ...quietCounts,
      }),
      ['lockdown.start'],
    ],
    [
      'five newcomers posting links are an afternoon where two usually do in 10 minutes',
      AT_REST,
      see({ score: 0.3, spamPosters: 5, usualSpamPosters: 2, joinsLast10Minutes: 20 }),
      [],
    ],
    [
      'twenty are a raid there',
      AT_REST,
      see({ score: 0.3, spamPosters: 20, usualSpamPosters: 2, joinsLast10Minutes: 20 }),
      ['lockdown.start'],
    ],
    [
      'five of the 20 joins of 10 minutes posting spam are not enough after 80 joins in the hour',
      AT_REST,
      see({ score: 0.3, spamPosters: 5, joinsLast10Minutes: 20, joinsLastHour: 80 }),
      [],
    ],
    [
      'three spam posters among the 60 joins of a busy 10 minutes are not enough on their own',
      AT_REST,
      see({ score: 0.3, strong: ['3 newcomers posted links'], spamPosters: 3 }),
      [],
    ],
    [
      'posts from before an admin’s answer do not open the guardrail',
      AT_REST,
      see({ score: 0.95, strong: ['6 newcomers posted links, invites or mass pings'], ...quietCounts }),
      [],
    ],
    [
      'a drip reaching the hourly guardrail may gate',
      AT_REST,
      see({ score: 0.8, joinsLastMinute: 1, joinsLast10Minutes: 2, joinsLastHour: 4 }),
      ['gate.start'],
    ],
    ['a middling score does nothing', AT_REST, see({ score: 0.5 }), []],
    [
      'a middling score in a spike of 40x the usual rate gates',
      AT_REST,
      see({ score: 0.5, spike: 40 }),
      ['gate.start'],
    ],
    ['a spike of few joins does not', AT_REST, see({ score: 0.5, spike: 40, joinsLast10Minutes: 12 }), []],
  ] as const)('%s', (_, state, observed, decisions) => {
    const step = stepResponse(state, observed, { ...DEFAULT_POLICY, gateSpike: 30 });
    expect(step.decisions.map((d) => d.decision)).toEqual(decisions);
  });

  it('gives the strong evidence first and says a reason that is both strong and ordinary once', () => {
    const spam = '6 newcomers posted links, invites or mass pings';
    const step = stepResponse(
      AT_REST,
      see({ score: 0.95, strong: [spam], reasons: ['join rate 12x baseline', spam] }),
      DEFAULT_POLICY,
    );
    expect(step.decisions.map((d) => d.reasons)).toEqual([[spam, 'join rate 12x baseline']]);
  });

  it('ends a lockdown after its quiet period once joins stop, even while the 10-minute score lags', () => {
    let state = lockdown;
    const ends: number[] = [];
    // Joins stop at T; the score stays high (its window still holds the raid).
    for (let t = T; t <= T + 10 * 60_000; t += 1_000) {
      const step = stepResponse(
        state,
        see({ now: t, score: 0.95, ...quietCounts, lastActivityAt: T }),
        DEFAULT_POLICY,
      );
      state = step.state;
      for (const d of step.decisions) if (d.decision === 'lockdown.end') ends.push(t);
    }
    expect(ends).toHaveLength(1);
    const after = (ends[0] ?? 0) - T;
    expect(after).toBeGreaterThanOrEqual(60_000 + DEFAULT_POLICY.lockdownQuietMs);
    expect(after).toBeLessThanOrEqual(3 * 60_000);
    expect(state).toMatchObject({ level: 'none', epoch: ends[0] });
  });

  it('keeps a gate while a drip goes on, and ends it after the gate’s quiet period', () => {
    let state = gate;
    const decisions: string[] = [];
    // A join every 3 minutes for 30 minutes, then nothing.
    for (let t = T; t <= T + 45 * 60_000; t += 1_000) {
      const last = Math.min(t - ((t - T) % (3 * 60_000)), T + 30 * 60_000);
      const step = stepResponse(
        state,
        see({ now: t, score: 0.6, ...quietCounts, lastActivityAt: last }),
        DEFAULT_POLICY,
      );
      state = step.state;
      decisions.push(...step.decisions.map((d) => `${d.decision}@${Math.round((d.ts - T) / 60_000)}`));
    }
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatch(/^gate\.end@3[5-7]$/);
  });
});
