import {
  type AuditEntry,
  ChainWalker,
  canonicalJson,
  GENESIS_HASH,
  type HashedAuditEntry,
  hashAuditEntry,
} from '@chat-guard/log-writer';
import { describe, expect, it } from 'vitest';

function buildChain(length: number): HashedAuditEntry[] {
  const chain: HashedAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const entry: AuditEntry = {
      guildId: '1100000000000000001',
      seq,
      at: new Date(1_732_000_000_000 + seq * 1000).toISOString(),
      action: 'message.delete',
      actorId: 'chat-guard',
      targetId: '1300000000000000042',
      reason: `violation ${seq}`,
      details: { types: ['invite'], count: seq },
      idempotencyKey: `key-${seq}`,
      prevHash,
    };
    const hashed = { ...entry, hash: hashAuditEntry(entry) };
    chain.push(hashed);
    prevHash = hashed.hash;
  }
  return chain;
}

function firstProblem(entries: HashedAuditEntry[]) {
  const walker = new ChainWalker();
  for (const entry of entries) {
    const problem = walker.next(entry);
    if (problem) return problem;
  }
  return undefined;
}

describe('canonical JSON', () => {
  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });
});

describe('the audit chain walker', () => {
  it('accepts an untouched chain', () => {
    expect(firstProblem(buildChain(6))).toBeUndefined();
  });

  const rehash = (e: HashedAuditEntry): HashedAuditEntry => ({ ...e, hash: hashAuditEntry(e) });
  it.each<[string, (c: HashedAuditEntry[]) => HashedAuditEntry[], { kind: string; seq: number }]>([
    [
      'an edited reason',
      (c) => c.map((e) => (e.seq === 3 ? { ...e, reason: 'nothing happened' } : e)),
      { kind: 'changed', seq: 3 },
    ],
    [
      'an edit whose hash was recomputed',
      (c) => c.map((e) => (e.seq === 2 ? rehash({ ...e, targetId: null }) : e)),
      { kind: 'changed', seq: 2 },
    ],
    ['a deleted entry', (c) => c.filter((e) => e.seq !== 4), { kind: 'removed', seq: 4 }],
    [
      'a deleted entry with the rest renumbered',
      (c) => c.filter((e) => e.seq !== 4).map((e) => (e.seq > 4 ? { ...e, seq: e.seq - 1 } : e)),
      { kind: 'changed', seq: 4 },
    ],
    [
      'two entries swapped',
      (c) => [c[0], c[2], c[1], ...c.slice(3)] as HashedAuditEntry[],
      { kind: 'removed', seq: 2 },
    ],
    [
      'two entries swapped and renumbered',
      (c) => [c[0], { ...c[2], seq: 2 }, { ...c[1], seq: 3 }, ...c.slice(3)] as HashedAuditEntry[],
      { kind: 'changed', seq: 2 },
    ],
  ])('names the first broken entry after %s', (_name, tamper, expected) => {
    expect(firstProblem(tamper(buildChain(6)))).toMatchObject(expected);
  });
});
