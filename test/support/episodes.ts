import type { JoinTraceEvent, Sandbox, TraceLabel } from '@chat-guard/sandbox';

/**
 * The sandbox generator's episode of `scenario` in one guild, from a minute before it to its
 * end, timed so that it starts a minute from now (account ages stay as generated). The traffic
 * comes from the sandbox's own generator, never from the raid lab's generators the model was
 * trained and tuned on.
 */
export function episode(
  sandbox: Sandbox,
  guildId: string,
  scenario: 'fast-flood' | 'shout-out',
  seed: number,
): { events: JoinTraceEvent[]; raiders: string[]; label: TraceLabel } {
  const plan = (startMs: number) =>
    sandbox.traffic.generate({ scenario, durationMs: 10 * 60_000, seed, guildIds: [guildId], startMs });
  const labelOf = (p: ReturnType<typeof plan>) => {
    const label = p.labels.find((l: TraceLabel) => l.guildId === guildId && l.family === scenario);
    if (!label) throw new Error(`no ${scenario} in the plan`);
    return label;
  };
  const now = Date.now();
  const offset = labelOf(plan(now)).start - now;
  const timed = plan(now - offset + 60_000);
  const label = labelOf(timed);
  const events = timed.events.filter(
    (e: JoinTraceEvent) => e.ts >= label.start - 60_000 && e.ts <= label.end && e.type !== 'guild',
  );
  const raiders = events
    .filter((e) => e.type === 'member.joined' && e.ts >= label.start)
    .map((e) => (e as { userId: string }).userId);
  return { events, raiders, label };
}
