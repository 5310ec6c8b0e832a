import { type EventBus, errorMessage } from '@chat-guard/bus';
import { configChanged, defaultGuildConfig, type GuildConfig } from '@chat-guard/events';
import { type ConsumerMessages, DeliverPolicy } from '@nats-io/jetstream';
import type { StoredGuildConfig } from './updateGuildConfig.ts';

export type ConfigListener = (guildId: string, stored: StoredGuildConfig) => void;

/**
 * Every guild's current configuration, in memory, kept live from the CONFIG stream: each
 * replica of each service reads it at start and sees every change as it is announced, with
 * no database read per message. Unknown guilds get the defaults.
 */
export class GuildConfigCache {
  readonly #configs = new Map<string, StoredGuildConfig>();
  readonly #listeners = new Set<ConfigListener>();
  readonly #defaults = defaultGuildConfig();

  private constructor(private readonly messages: ConsumerMessages) {}

  /** Subscribes and resolves once every guild's latest configuration is loaded. */
  static async start(bus: EventBus, onError: (err: Error) => void): Promise<GuildConfigCache> {
    const stream = bus.ns.stream('CONFIG');
    const filter = bus.ns.subject(configChanged.filter);
    const consumer = await bus.js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const { state } = await bus.jsm.streams.info(stream, { subjects_filter: filter });
    const cache = new GuildConfigCache(await consumer.consume());
    await cache.#follow(state.messages === 0, onError);
    return cache;
  }

  #follow(alreadyCaughtUp: boolean, onError: (err: Error) => void): Promise<void> {
    return new Promise<void>((caughtUp) => {
      if (alreadyCaughtUp) caughtUp();
      void (async () => {
        for await (const msg of this.messages) {
          const parsed = configChanged.schema.safeParse(msg.json());
          if (parsed.success) this.#apply(parsed.data.guildId, parsed.data);
          else
            onError(
              new Error(`ignored an invalid configuration on ${msg.subject}: ${errorMessage(parsed.error)}`),
            );
          if (msg.info.pending === 0) caughtUp();
        }
      })().catch((err: unknown) => onError(new Error(`configuration feed stopped: ${errorMessage(err)}`)));
    });
  }

  #apply(guildId: string, stored: StoredGuildConfig): void {
    const current = this.#configs.get(guildId);
    if (current && current.revision >= stored.revision) return;
    const entry = { config: stored.config, revision: stored.revision };
    this.#configs.set(guildId, entry);
    for (const listener of this.#listeners) listener(guildId, entry);
  }

  /** The guild's configuration now. */
  get(guildId: string): GuildConfig {
    return this.#configs.get(guildId)?.config ?? this.#defaults;
  }

  /** The revision the cache holds for a guild; 0 for the defaults. */
  revision(guildId: string): number {
    return this.#configs.get(guildId)?.revision ?? 0;
  }

  /**
   * Resolves once the cache holds at least `revision` of the guild's configuration, or after
   * `timeoutMs` (resolving false): for events that must be read with the change they report.
   */
  async reached(guildId: string, revision: number, timeoutMs: number): Promise<boolean> {
    if (this.revision(guildId) >= revision) return true;
    return new Promise<boolean>((resolve) => {
      const done = (reached: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(reached);
      };
      const stop = this.onChange((changed) => {
        if (changed === guildId && this.revision(guildId) >= revision) done(true);
      });
      const timer = setTimeout(() => done(this.revision(guildId) >= revision), timeoutMs);
    });
  }

  /** Calls the listener after each change; returns a function that removes it. */
  onChange(listener: ConfigListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.messages.close();
  }
}
