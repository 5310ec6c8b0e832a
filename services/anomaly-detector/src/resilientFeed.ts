import type { SignalFeed } from './followSignals.ts';

export interface ResilientFeedOptions {
  /** Starts the feeds from their lookback (`followSignals`). */
  readonly start: () => Promise<SignalFeed>;
  /** What the feeds fill; cleared before a restart, which rebuilds it from history. */
  readonly windows: { clear(): void };
  /** A feed with messages waiting that delivered none for this long is dead. */
  readonly stallMs: number;
  readonly onDead: (reason: string) => void;
  readonly onCaughtUp: () => void;
}

/**
 * The signal feeds, watched: a dead one (NATS restarted under it, or it stalled) is reported,
 * the service is not ready, and the feeds restart from their lookback so the windows come back
 * whole. The decisions wait for `ready`.
 */
export class ResilientFeed {
  #feed: SignalFeed | undefined;
  #ready = false;
  #generation = 0;

  constructor(private readonly options: ResilientFeedOptions) {}

  /** True once the feeds have caught up, until one is found dead. */
  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    const generation = ++this.#generation;
    this.#feed = await this.options.start();
    void this.#feed.caughtUp.then(() => {
      if (generation !== this.#generation) return;
      this.#ready = true;
      this.options.onCaughtUp();
    });
  }

  /** One check; restarts the feeds when one is dead (or a restart before this one failed). */
  async check(): Promise<void> {
    const reason = this.#feed ? await this.#feed.deadFeed(this.options.stallMs) : 'the feeds are not running';
    if (reason === null) return;
    this.#ready = false;
    this.options.onDead(reason);
    const dead = this.#feed;
    this.#feed = undefined;
    await dead?.stop();
    this.options.windows.clear();
    await this.start();
  }

  async stop(): Promise<void> {
    this.#generation++;
    await this.#feed?.stop();
  }
}
