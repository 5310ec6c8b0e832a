import {
  contentHash,
  detectCharacterLimit,
  detectSpam,
  InMemorySpamWindowStore,
  spamRecordOf,
} from '@chat-guard/content-filter';
import { describe, expect, it } from 'vitest';

const policy = { spamThreshold: 5, spamWindowSeconds: 5 };
const at = (seconds: number, content = `message at ${seconds}`) => spamRecordOf(content, seconds * 1000);

describe('detectSpam', () => {
  it('lets four different messages in the window through and flags the fifth', () => {
    const recent = [at(1), at(2), at(3), at(4)];
    expect(detectSpam(recent.slice(1), at(4.5), policy)).toBeUndefined();
    expect(detectSpam(recent, at(4.5), policy)).toMatchObject({
      messages: 5,
      tooMany: true,
      repeated: false,
    });
  });

  it('forgets messages older than the window', () => {
    expect(detectSpam([at(0), at(1), at(2), at(3)], at(6), policy)).toBeUndefined();
  });

  it('flags the third copy of the same content even below the message threshold', () => {
    const copy = (s: number) => at(s, 'buy cheap gold');
    expect(detectSpam([copy(1)], copy(2), policy)).toBeUndefined();
    expect(detectSpam([copy(1), copy(2)], copy(3), policy)).toMatchObject({ copies: 3, repeated: true });
  });

  it('treats copies that differ only in case, spacing and look-alikes as the same content', () => {
    expect(contentHash('Buy  cheap gold ')).toBe(contentHash('buy cheap ɡold'));
    expect(contentHash('buy cheap gold')).not.toBe(contentHash('buy cheap silver'));
  });

  it('never counts empty messages (attachments) as copies of each other', () => {
    expect(detectSpam([at(1, ''), at(2, '')], at(3, ''), policy)).toBeUndefined();
  });
});

describe('InMemorySpamWindowStore', () => {
  it("returns the author's earlier records inside the window, not the new one nor other authors'", async () => {
    const store = new InMemorySpamWindowStore();
    await store.recordAndList('g', 'u1', at(1), 5000);
    await store.recordAndList('g', 'u2', at(2), 5000);
    await store.recordAndList('g', 'u1', at(3), 5000);
    expect(await store.recordAndList('g', 'u1', at(7), 5000)).toEqual([at(3)]);
  });
});

describe('detectCharacterLimit', () => {
  it.each([
    ['ten letters at a limit of ten', 'a'.repeat(10), 10, undefined],
    ['eleven letters at a limit of ten', 'a'.repeat(11), 10, 11],
    ['ten emoji (twenty UTF-16 units) at a limit of ten', '😀'.repeat(10), 10, undefined],
    ['eleven emoji at a limit of ten', '😀'.repeat(11), 10, 11],
  ])('counts code points: %s', (_case, content, limit, expected) => {
    expect(detectCharacterLimit(content, limit)).toBe(expected);
  });
});
