import type { JoinTraceEvent } from '@chat-guard/join-trace';
import type { SandboxCore } from './sandboxCore.ts';
import {
  generateTraffic,
  type ScenarioName,
  type TrafficGuild,
  type TrafficPlan,
} from './trafficGenerator.ts';
import { trafficGuildOf } from './trafficGuilds.ts';
import { type PlayOptions, type PlayStats, playTrace } from './trafficPlayer.ts';
import type { UserActions } from './userActions.ts';

export interface GenerateOptions {
  readonly scenario: ScenarioName;
  readonly durationMs: number;
  readonly rate?: number;
  /** Defaults to the sandbox's seed. */
  readonly seed?: number;
  /** Defaults to now. */
  readonly startMs?: number;
  /** Only these guilds (default: all). */
  readonly guildIds?: readonly string[];
}

/** Seeded traffic for a running sandbox: plans for its guilds and playbacks it stops on close. */
export class TrafficControl {
  readonly #running = new Set<{ stop: AbortController; done: Promise<unknown> }>();

  constructor(
    private readonly core: SandboxCore,
    private readonly users: UserActions,
    private readonly seed: number,
  ) {}

  /** The guilds as the generator sees them. */
  guilds(guildIds?: readonly string[]): TrafficGuild[] {
    const all = Object.values(this.core.state.guilds);
    const chosen = guildIds ? all.filter((g) => guildIds.includes(g.id)) : all;
    return chosen.map((g) => trafficGuildOf(g, this.core.state.botUserId));
  }

  /** A plan for the sandbox's guilds. */
  generate(options: GenerateOptions): TrafficPlan {
    return generateTraffic({
      seed: options.seed ?? this.seed,
      startMs: options.startMs ?? this.core.now(),
      durationMs: options.durationMs,
      scenario: options.scenario,
      ...(options.rate !== undefined ? { rate: options.rate } : {}),
      guilds: this.guilds(options.guildIds),
    });
  }

  /** Plays events into the sandbox (as fast as possible unless `speed` is set); close() stops it. */
  play(events: readonly JoinTraceEvent[], options: PlayOptions = {}): Promise<PlayStats> {
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const done = playTrace({ core: this.core, users: this.users }, events, {
      ...options,
      signal: stop.signal,
    });
    const entry = { stop, done };
    this.#running.add(entry);
    return done.finally(() => this.#running.delete(entry));
  }

  /** Stops every playback and waits for them to end. */
  async stopAll(): Promise<void> {
    const running = [...this.#running];
    for (const entry of running) entry.stop.abort();
    await Promise.allSettled(running.map((entry) => entry.done));
  }
}
