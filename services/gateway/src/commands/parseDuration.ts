const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Discord's longest timeout: 28 days. */
export const MAX_TIMEOUT_MS = 28 * 86_400_000;

/**
 * A duration as moderators type it, in ms: `10m`, `2h`, `1d12h`, `1w`, or a bare number of
 * minutes. Null when it is not one.
 */
export function parseDuration(text: string): number | null {
  const compact = text.trim().toLowerCase().replaceAll(' ', '');
  if (/^\d{1,6}$/.test(compact)) return Number(compact) * 60_000;
  if (!/^(\d{1,6}[smhdw])+$/.test(compact)) return null;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([smhdw])/g))
    total += Number(amount) * (UNIT_MS[unit ?? 'm'] ?? 0);
  return total;
}

/** A duration in words, e.g. "1 day 2 hours", "10 minutes". */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [unit, minutes] of [
    ['day', 1440],
    ['hour', 60],
    ['minute', 1],
  ] as const) {
    const n = Math.floor(rest / minutes);
    rest -= n * minutes;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || 'under a minute';
}
