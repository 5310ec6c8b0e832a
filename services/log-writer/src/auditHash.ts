import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonicalJson.ts';

/** The hash a guild's first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit entry says: everything its hash covers. */
export interface AuditEntry {
  readonly guildId: string;
  readonly seq: number;
  /** ISO 8601 with milliseconds, UTC. */
  readonly at: string;
  readonly action: string;
  readonly actorId: string;
  readonly targetId: string | null;
  readonly reason: string;
  readonly details: Record<string, Json>;
  readonly idempotencyKey: string;
  readonly prevHash: string;
}

export interface HashedAuditEntry extends AuditEntry {
  readonly hash: string;
}

/** sha256 of the entry's canonical JSON, hex. */
export function hashAuditEntry(entry: AuditEntry): string {
  const body: Json = {
    action: entry.action,
    actorId: entry.actorId,
    at: entry.at,
    details: entry.details,
    guildId: entry.guildId,
    idempotencyKey: entry.idempotencyKey,
    prevHash: entry.prevHash,
    reason: entry.reason,
    seq: entry.seq,
    targetId: entry.targetId,
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
