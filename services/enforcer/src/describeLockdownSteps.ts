import type { ActionOutcome } from './actionLedger.ts';

/** One step on one target (a channel's `#name`, an account's id) and how it went. */
export interface TargetOutcome {
  readonly target: string;
  readonly outcome: ActionOutcome;
}

/** Discord's words in a refusal, e.g. "Missing Permissions" out of the REST error's message. */
export function shortReason(reason: string): string {
  const match = /:\s*([^:]+?)\s*\(\d{3}, code [^)]*\)\s*$/.exec(reason);
  return (match?.[1] ?? reason).slice(0, 80);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The alert's lines for a step over many targets: one for what was done, one per refusal
 * reason naming the targets, e.g. "slowmode: refused in #general (Missing Permissions)".
 */
export function describeTargets(
  results: readonly TargetOutcome[],
  words: { readonly done: (count: string) => string; readonly step: string; readonly noun: string },
): string[] {
  const lines: string[] = [];
  const done = results.filter((r) => r.outcome.status === 'done').length;
  if (done > 0) lines.push(words.done(plural(done, words.noun)));
  const refused = new Map<string, string[]>();
  for (const { target, outcome } of results) {
    if (outcome.status !== 'failed') continue;
    const reason = shortReason(outcome.reason);
    refused.set(reason, [...(refused.get(reason) ?? []), target]);
  }
  for (const [reason, targets] of refused) {
    const shown =
      targets.length > 5
        ? `${targets.slice(0, 5).join(', ')} and ${targets.length - 5} more`
        : targets.join(', ');
    lines.push(`${words.step}: refused for ${shown} (${reason})`.slice(0, 200));
  }
  return lines;
}

/** The alert's line for a guild-wide step. */
export function describeGuildStep(outcome: ActionOutcome, done: string, step: string): string {
  return (outcome.status === 'done' ? done : `${step}: refused (${shortReason(outcome.reason)})`).slice(
    0,
    200,
  );
}
