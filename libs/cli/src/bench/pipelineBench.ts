import { callsByRoute, firstDeletions, latencyFigures, type ViolationTimes, waveFigures } from './figures.ts';
import { type Pipeline, waitUntil } from './pipeline.ts';
import { CpuMeter, rssMb } from './procStat.ts';
import type { ChatResult } from './sandboxProtocol.ts';
import { storedTimes } from './storedTimes.ts';

/** How long and how hard each phase runs. */
export interface BenchPlan {
  /** The fixed offered load (messages/s) and its length for CPU per message, raw and pipeline. */
  readonly cpuRate: number;
  readonly cpuSeconds: number;
  /** The sustained-rate search: rates step, step*2, … up to maxRate, each for phaseSeconds. */
  readonly rateStep: number;
  readonly maxRate: number;
  readonly phaseSeconds: number;
  /** A phase is kept up with when every message is judged and settled this soon after it ends. */
  readonly graceSeconds: number;
  /** Violations timed at atRate, at least. */
  readonly latencySamples: number;
  readonly wave: { readonly messages: number; readonly seconds: number };
}

/** One violation in a hundred, as the chat of a busy server. */
export const VIOLATING_PER_HUNDRED = 1;

/** Keeps count of the messages the content-filter must have judged by now. */
export class Judged {
  target = 0;
  constructor(private readonly pipeline: Pipeline) {}

  add(posted: number): void {
    this.target += posted;
  }

  /** True once every posted message is judged and every consumer has settled all it was given. */
  async settled(): Promise<boolean> {
    return (await this.pipeline.judged()) >= this.target && (await this.pipeline.unsettled()) === 0;
  }

  async drain(timeoutMs: number, what: string): Promise<void> {
    await waitUntil(() => this.settled(), timeoutMs, `the pipeline did not drain ${what}`);
  }
}

/** CPU seconds of the pipeline (and apart, of the sandbox) for one chat run at a fixed load, drain included. */
export async function measurePipelineCpu(pipeline: Pipeline, judged: Judged, plan: BenchPlan) {
  const work = new CpuMeter();
  const sandbox = new CpuMeter();
  const before = await pipeline.workProcesses();
  work.start([...before.keys()]);
  sandbox.start([pipeline.host.pid]);
  const run = await pipeline.host.chat({
    perSecond: plan.cpuRate,
    seconds: plan.cpuSeconds,
    violatingPerHundred: VIOLATING_PER_HUNDRED,
  });
  judged.add(run.posted);
  await judged.drain(120_000, 'after the CPU run');
  const after = await pipeline.workProcesses();
  const each = work.stopEach([...after.keys()]);
  const sandboxS = sandbox.stop([pipeline.host.pid]);
  // Where the CPU went: per service, and per server (nats-server, redis-server, postgres).
  const byPart = new Map<string, number>();
  let cpuS = 0;
  for (const [pid, seconds] of each) {
    const part = after.get(pid) ?? before.get(pid) ?? 'other';
    byPart.set(part, (byPart.get(part) ?? 0) + seconds);
    cpuS += seconds;
  }
  const perMessage = (seconds: number) => (seconds * 1e6) / run.posted;
  return {
    run,
    usPerMessage: perMessage(cpuS),
    byPart: [...byPart]
      .map(([part, seconds]): [string, number] => [part, perMessage(seconds)])
      .sort(([, a], [, b]) => b - a),
    sandboxUsPerMessage: (sandboxS * 1e6) / run.posted,
  };
}

export interface RatePhase {
  readonly rate: number;
  readonly achieved: number;
  readonly keptUp: boolean;
  /** Seconds after the phase's end until everything was judged and settled (null: not within grace). */
  readonly settledS: number | null;
}

/** VmRSS of each running service, in MB. */
function serviceRss(pipeline: Pipeline): Map<string, number> {
  const rss = new Map<string, number>();
  for (const [name, pid] of pipeline.servicePids()) {
    const mb = rssMb(pid);
    if (mb !== null) rss.set(name, mb);
  }
  return rss;
}

/**
 * The highest offered rate the pipeline keeps up with, searched upwards; and the services'
 * memory at the end of that phase (of the first phase if none was kept up with).
 */
export async function searchSustainedRate(
  pipeline: Pipeline,
  judged: Judged,
  plan: BenchPlan,
  log: (line: string) => void,
) {
  const phases: RatePhase[] = [];
  let sustained = 0;
  let rss: Map<string, number> | undefined;
  for (let rate = plan.rateStep; rate <= plan.maxRate; rate += plan.rateStep) {
    const run = await pipeline.host.chat({
      perSecond: rate,
      seconds: plan.phaseSeconds,
      violatingPerHundred: VIOLATING_PER_HUNDRED,
    });
    judged.add(run.posted);
    const phaseRss = serviceRss(pipeline);
    const settledS = await settleWithin(judged, plan.graceSeconds);
    const keptUp = settledS !== null && run.achieved >= rate * 0.95;
    phases.push({ rate, achieved: run.achieved, keptUp, settledS });
    log(
      `  ${rate}/s offered (${Math.round(run.achieved)}/s posted): ` +
        (keptUp ? `kept up, settled ${settledS?.toFixed(1)} s after` : await behind(pipeline, judged)),
    );
    if (!keptUp) {
      rss ??= phaseRss;
      break;
    }
    sustained = rate;
    rss = phaseRss;
  }
  await judged.drain(600_000, 'after the sustained-rate search');
  return { sustained, phases, rss: rss ?? new Map<string, number>() };
}

/** Where the backlog is when a phase fell behind: unjudged messages and each unsettled consumer. */
async function behind(pipeline: Pipeline, judged: Judged): Promise<string> {
  const unjudged = Math.max(0, judged.target - (await pipeline.judged()));
  const consumers = [...(await pipeline.unsettledByConsumer())].filter(([, n]) => n > 0);
  return `fell behind: ${unjudged} not yet judged; unsettled ${consumers.map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`;
}

async function settleWithin(judged: Judged, seconds: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    if (await judged.settled()) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/**
 * Waits until every id is deleted in the sandbox (or `timeoutMs` passes), saying every 15 s how
 * far it is; returns the deletions.
 */
async function awaitDeletions(
  pipeline: Pipeline,
  since: number,
  ids: readonly string[],
  timeoutMs: number,
  log: (line: string) => void,
) {
  const started = Date.now();
  let said = started;
  for (;;) {
    const deletions = firstDeletions(await pipeline.host.actions(since));
    const done = ids.filter((id) => deletions.has(id)).length;
    if (done === ids.length || Date.now() > started + timeoutMs) return deletions;
    if (Date.now() - said >= 15_000) {
      said = Date.now();
      log(`  ${done} of ${ids.length} deleted after ${Math.round((said - started) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Latency from the gateway's receipt to the enforcer's delete call at `perSecond`, after a drain. */
export async function measureLatency(
  pipeline: Pipeline,
  judged: Judged,
  plan: BenchPlan,
  perSecond: number,
  log: (line: string) => void,
) {
  await judged.drain(600_000, 'before the latency run');
  const seconds = Math.max(
    plan.phaseSeconds,
    Math.ceil((plan.latencySamples * 100) / (perSecond * VIOLATING_PER_HUNDRED)),
  );
  const since = Date.now();
  const run: ChatResult = await pipeline.host.chat({
    perSecond,
    seconds,
    violatingPerHundred: VIOLATING_PER_HUNDRED,
  });
  judged.add(run.posted);
  const ids = run.violations.map((v) => v.id);
  const deletions = await awaitDeletions(pipeline, since, ids, 300_000, log);
  await judged.drain(600_000, 'after the latency run');
  const wanted = new Set(ids);
  const discord = await storedTimes(pipeline.bus, 'DISCORD', 'discord.*.message.created', since, wanted);
  const verdicts = await storedTimes(pipeline.bus, 'VERDICTS', 'verdict.*.violation', since, wanted);
  const times: ViolationTimes[] = [];
  for (const v of run.violations) {
    const discordAt = discord.get(v.id);
    const verdictAt = verdicts.get(v.id);
    const deletedAt = deletions.get(v.id);
    if (discordAt !== undefined && verdictAt !== undefined && deletedAt !== undefined)
      times.push({ postedAt: v.at, discordAt, verdictAt, deletedAt });
  }
  return { run, seconds, violations: ids.length, deleted: times.length, ...latencyFigures(times) };
}

/** The spam wave in its own guild: how soon after its last message its last deletion comes. */
export async function measureWave(
  pipeline: Pipeline,
  judged: Judged,
  plan: BenchPlan,
  log: (line: string) => void,
) {
  await judged.drain(600_000, 'before the wave');
  const since = Date.now();
  const wave = await pipeline.host.wave(plan.wave);
  judged.add(wave.ids.length);
  log(`  ${wave.ids.length} accepted, ${wave.refused} refused; waiting for their deletion`);
  const deletions = await awaitDeletions(pipeline, since, wave.ids, 900_000, log);
  // Warnings and timeouts may follow the last deletion: up to 2 minutes more for them. A wave not
  // cleared in 15 minutes has no waveClearS, and waiting on would not change that.
  if (wave.ids.every((id) => deletions.has(id)) && (await settleWithin(judged, 120)) === null)
    log(`  not settled 2 minutes after the wave's last deletion: ${await behind(pipeline, judged)}`);
  // Warnings and timeouts may follow the last deletion: counted once everything has settled.
  const calls = await pipeline.host.restCalls(since);
  return {
    wave,
    calls: calls.length,
    byRoute: callsByRoute(calls),
    ...waveFigures(wave, deletions, calls.length),
  };
}
