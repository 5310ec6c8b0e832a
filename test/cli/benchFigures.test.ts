import type { BotAction, RestCall } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import {
  callsByRoute,
  duplicateActions,
  firstDeletions,
  latencyFigures,
  waveFigures,
} from '../../libs/cli/src/bench/figures.ts';

let seq = 0;
function action(kind: BotAction['kind'], at: number, extra: Partial<BotAction> = {}): BotAction {
  return { seq: ++seq, at, kind, guildId: '1', reason: null, data: {}, ...extra };
}
const call = (method: string, path: string, status = 204, at = 0): RestCall => ({ at, method, path, status });

describe('duplicateActions', () => {
  it.each([
    {
      name: 'one delete per message',
      calls: [call('DELETE', '/channels/1/messages/10')],
      actions: [],
      want: 0,
    },
    {
      name: 'a second delete of one message, answered 404',
      calls: [call('DELETE', '/channels/1/messages/10'), call('DELETE', '/channels/1/messages/10', 404)],
      actions: [],
      want: 1,
    },
    {
      name: 'a delete refused with 429 and retried',
      calls: [call('DELETE', '/channels/1/messages/10', 429), call('DELETE', '/channels/1/messages/10')],
      actions: [],
      want: 0,
    },
    {
      name: 'a message in a bulk delete and deleted singly too',
      calls: [call('DELETE', '/channels/1/messages/10')],
      actions: [action('messages.bulkDeleted', 1, { messageIds: ['10', '11'] })],
      want: 1,
    },
    {
      name: 'two timeouts of a member until the same moment',
      calls: [],
      actions: [
        action('member.timedOut', 1, { userId: '5', data: { until: 'T1' } }),
        action('member.timedOut', 2, { userId: '5', data: { until: 'T1' } }),
        action('member.timedOut', 3, { userId: '5', data: { until: 'T2' } }),
      ],
      want: 1,
    },
  ])('$name: $want', ({ calls, actions, want }) => {
    expect(duplicateActions(actions, calls)).toBe(want);
  });
});

it('a message counts as deleted at its first deletion, single or bulk', () => {
  const deletions = firstDeletions([
    action('messages.bulkDeleted', 5, { messageIds: ['1', '2'] }),
    action('message.deleted', 9, { messageIds: ['2'] }),
    action('message.sent', 3, { messageIds: ['3'] }),
  ]);
  expect([...deletions]).toEqual([
    ['1', 5],
    ['2', 5],
  ]);
});

it('the wave is cleared at its last deletion, and not at all while a message stays', () => {
  const deletions = new Map([
    ['a', 1_500],
    ['b', 4_000],
  ]);
  expect(waveFigures({ ids: ['a', 'b'], lastAt: 1_000 }, deletions, 6)).toEqual({
    deleted: 2,
    notDeleted: 0,
    clearS: 3,
    restPerViolation: 3,
  });
  expect(waveFigures({ ids: ['a', 'b', 'c'], lastAt: 1_000 }, deletions, 6).clearS).toBeNaN();
});

it('latency is split into the gateway, content-filter and enforcer stages', () => {
  const figures = latencyFigures([{ postedAt: 0, discordAt: 2, verdictAt: 5, deletedAt: 12 }]);
  expect(figures.total).toEqual({ p50: 10, p99: 10, samples: 1 });
  expect([figures.gateway.p50, figures.contentFilter.p50, figures.enforcer.p50]).toEqual([2, 3, 7]);
});

it('REST calls are grouped by route, ids hidden, most first', () => {
  expect(
    callsByRoute([
      call('DELETE', '/channels/123456/messages/999999'),
      call('DELETE', '/channels/123457/messages/999998'),
      call('POST', '/channels/123456/messages', 429),
    ]),
  ).toEqual([
    ['DELETE /channels/:id/messages/:id', 2],
    ['POST /channels/:id/messages (429)', 1],
  ]);
});
