// When accounts were created: long-standing ones, and raiders' scripted or bought batches.
import { DAY, HOUR, MIN, type Rng, SEC } from './rng.ts';

const DISCORD_LAUNCH = Date.UTC(2015, 4, 13);
/** Aged raid accounts are made no earlier than this. */
const AGED_FROM = Date.UTC(2016, 0, 1);

/** Creation time of an account that existed well before `at` (younger for young audiences). */
export function oldCreated(r: Rng, at: number, young: boolean): number {
  const maxD = (at - DISCORD_LAUNCH) / DAY;
  const c = r.f();
  const pY = young ? 0.25 : 0.08;
  const pM = young ? 0.4 : 0.25;
  let d: number;
  if (c < pY) d = r.logu(1, 30);
  else if (c < pY + pM) d = r.logu(30, 365);
  else d = 365 + (maxD - 366) * r.f() ** (young ? 2 : 1.2);
  return at - Math.min(d, maxD - 1) * DAY;
}

/** N fresh accounts made by a script in 1–3 batches, 5 min–7 days before `start`, sorted. */
export function freshCreated(r: Rng, N: number, start: number): number[] {
  const out: number[] = [];
  const nb = r.chance(0.25) ? r.i(2, 3) : 1;
  for (let b = 0; b < nb; b++) {
    const n = b === nb - 1 ? N - out.length : Math.floor(N / nb);
    const lead = r.logu(5 * MIN, 7 * DAY);
    const t = start - lead;
    const gap = r.logu(1 * SEC, 90 * SEC);
    const span = Math.min(n * gap, lead - 2 * MIN);
    for (let j = 0; j < n; j++) out.push(t + (span * j) / Math.max(1, n) + r.u(0, 1000));
  }
  return out.sort((a, b) => a - b);
}

/** N aged accounts: spread from 2016 to 4 months before `start`, or in 1–3 sellers' batches; sorted. */
export function agedCreated(r: Rng, N: number, start: number): number[] {
  const out: number[] = [];
  const now = start;
  if (r.chance(0.4)) {
    for (let j = 0; j < N; j++) out.push(r.u(AGED_FROM, now - 120 * DAY));
  } else {
    const k = r.i(1, 3);
    const centers = Array.from(
      { length: k },
      () =>
        [now - r.logu(120 * DAY, Math.min(6 * 365 * DAY, now - AGED_FROM)), r.logu(HOUR, 30 * DAY)] as const,
    );
    for (let j = 0; j < N; j++) {
      const [c, w] = r.pick(centers);
      out.push(c + r.u(-w / 2, w / 2));
    }
  }
  return out.sort((a, b) => a - b);
}

/** A fresh batch mixed with 10–50 % aged accounts, shuffled. */
export function mixCreated(r: Rng, N: number, start: number): number[] {
  const f = r.u(0.1, 0.5);
  const na = Math.round(N * f);
  return r.shuffle([...freshCreated(r, N - na, start), ...agedCreated(r, na, start)]);
}
