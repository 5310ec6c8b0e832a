import type { Rng } from './rng.ts';
import type { Scene } from './scene.ts';

/** How raiders come in: the everyday link, one fresh invite, a few, many (multi-invite), or unattributed. */
export type EntryMode = 'everyday' | 'fresh' | 'few' | 'many' | 'unknown';

const MINUTE = 60_000;
const LIFETIMES = [1800, 3600, 86_400, 604_800, 0];

/** Invites made for the raid by compromised or colluding members, minutes to two hours before it. */
function raidInvites(scene: Scene, rng: Rng, count: number, firstJoinMs: number, maxUses: number): string[] {
  const inviters = rng.shuffle([...scene.regulars]).slice(0, rng.int(1, Math.min(count, 6)));
  const earliest = firstJoinMs - rng.logRange(MINUTE, 120 * MINUTE);
  return Array.from({ length: count }, () => {
    const at = rng.range(earliest, firstJoinMs - 5_000);
    return scene.invites.create(rng, at, rng.pick(inviters).userId, maxUses, rng.pick(LIFETIMES));
  });
}

/** The invite code (or null) each of `n` raiders uses, in join order; creates the invites the raid needs. */
export function entryCodes(
  scene: Scene,
  rng: Rng,
  n: number,
  firstJoinMs: number,
  mode: EntryMode,
): (string | null)[] {
  const everyday = scene.invites.everyday();
  if (mode === 'everyday') return Array.from({ length: n }, () => everyday);
  if (mode === 'unknown') return Array.from({ length: n }, () => null);
  if (mode === 'fresh' || mode === 'few') {
    // Unlimited uses, or a limit the raid fits under (it would not get in otherwise).
    const maxUses = rng.chance(0.8) ? 0 : Math.max(100, n);
    const codes = raidInvites(scene, rng, mode === 'fresh' ? 1 : rng.int(2, 3), firstJoinMs, maxUses);
    return Array.from({ length: n }, () => rng.pick(codes));
  }
  // Many invites, to stay under per-invite limits: round-robin, at random, or used up one after another.
  const count = rng.int(3, 30);
  const spread = rng.pick(['round-robin', 'random', 'blocks'] as const);
  const block = Math.ceil(n / count);
  const codes = raidInvites(scene, rng, count, firstJoinMs, spread === 'blocks' ? block : 0);
  const viaEveryday = rng.chance(0.5) ? rng.range(0.1, 0.4) : 0;
  return Array.from({ length: n }, (_, i) => {
    if (rng.chance(viaEveryday)) return everyday;
    const index =
      spread === 'round-robin'
        ? i % count
        : spread === 'blocks'
          ? Math.floor(i / block)
          : rng.int(0, count - 1);
    return codes[index] ?? everyday;
  });
}
