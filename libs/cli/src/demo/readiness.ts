/**
 * Tells from the services' log lines when the system can take traffic: every service has
 * logged `ready`, and the gateway has registered the slash commands in every guild (so a
 * member's first message and an admin's first command both reach it).
 */
export class Readiness {
  readonly #waitingFor: Set<string>;
  readonly #guildsWithoutCommands: Set<string>;
  readonly #listeners = new Set<() => void>();

  constructor(services: readonly string[], guildIds: readonly string[]) {
    this.#waitingFor = new Set(services);
    this.#guildsWithoutCommands = new Set(services.includes('gateway') ? guildIds : []);
  }

  /** Feeds one parsed log line of a service. */
  observe(service: string, entry: Readonly<Record<string, unknown>>): void {
    if (entry.msg === 'ready') this.#waitingFor.delete(service);
    if (service === 'gateway' && entry.msg === 'slash commands registered')
      this.#guildsWithoutCommands.delete(String(entry.guildId));
    if (this.ready) for (const listener of this.#listeners) listener();
  }

  get ready(): boolean {
    return this.#waitingFor.size === 0 && this.#guildsWithoutCommands.size === 0;
  }

  /** What is still awaited, in words. */
  missing(): string {
    const parts = [...this.#waitingFor].map((s) => `${s} not ready`);
    if (this.#guildsWithoutCommands.size > 0)
      parts.push(`slash commands not registered in ${this.#guildsWithoutCommands.size} guild(s)`);
    return parts.join(', ');
  }

  /** Resolves true once ready, false when `signal` aborts first. */
  wait(signal: AbortSignal): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        this.#listeners.delete(onReady);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onReady = () => done(true);
      const onAbort = () => done(false);
      this.#listeners.add(onReady);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
