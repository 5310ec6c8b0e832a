import type { Redis } from 'ioredis';

// Compare-and-set on one id field of a JSON record, atomically: replicas and services race safely.
const CAS = `
local raw = redis.call('GET', KEYS[1])
local current = cjson.null
if raw then current = cjson.decode(raw)[ARGV[4]] end
local expected = ARGV[1]
if (expected == '' and (current == nil or current == cjson.null)) or (current ~= cjson.null and current == expected) then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** Shared guild records (a lockdown, a gate) are kept a week after their last write. */
const KEEP_MS = 7 * 24 * 60 * 60_000;

/**
 * Writes `next` (JSON) at `key` only if the record's `idField` is `expected` (null: the record
 * is absent or holds none). Returns whether it was written.
 */
export async function swapById(
  redis: Redis,
  key: string,
  idField: string,
  expected: string | null,
  next: unknown,
): Promise<boolean> {
  const written = await redis.eval(
    CAS,
    1,
    key,
    expected ?? '',
    JSON.stringify(next),
    String(KEEP_MS),
    idField,
  );
  return written === 1;
}
