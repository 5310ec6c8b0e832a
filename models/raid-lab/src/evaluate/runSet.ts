import { type ResponsePolicy, replaySweep } from '@chat-guard/anomaly-detector';
import type { JoinTraceEvent } from '@chat-guard/join-trace';
import { type LabelledTrace, setSize, setTraces, type TraceSet } from '../protocol.ts';
import { type Figures, tally } from './figures.ts';
import { type DecisionLine, gradeTrace, type TraceOutcome } from './outcomes.ts';

export type Progress = (line: string) => void;

/** Replays every trace of a set through the detector under several policies and grades each. */
export function evaluatePolicies(
  traces: Iterable<LabelledTrace>,
  score: (vector: readonly number[]) => number,
  policies: readonly ResponsePolicy[],
  progress?: { total: number; report: Progress },
): Figures[] {
  const outcomes = policies.map((): TraceOutcome[] => []);
  let done = 0;
  for (const trace of traces) {
    const decisions = replaySweep(trace.events, score, policies);
    decisions.forEach((d, k) => {
      outcomes[k]?.push(gradeTrace(d, trace.labels, trace.hours));
    });
    done++;
    if (progress && (done % 25 === 0 || done === progress.total))
      progress.report(`${bar(done, progress.total)} ${done}/${progress.total} traces`);
  }
  return outcomes.map(tally);
}

/** Grades any detector that turns a trace into decisions (the baselines). */
export function evaluateDetector(
  traces: Iterable<LabelledTrace>,
  detect: (events: readonly JoinTraceEvent[]) => DecisionLine[],
): Figures {
  const outcomes: TraceOutcome[] = [];
  for (const trace of traces) outcomes.push(gradeTrace(detect(trace.events), trace.labels, trace.hours));
  return tally(outcomes);
}

export function evaluateSet(
  set: TraceSet,
  score: (vector: readonly number[]) => number,
  policies: readonly ResponsePolicy[],
  report?: Progress,
): Figures[] {
  return evaluatePolicies(
    setTraces(set),
    score,
    policies,
    report ? { total: setSize(set), report } : undefined,
  );
}

/** A text progress bar: `[#####.....]`. */
export function bar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
