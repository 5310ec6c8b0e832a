/** The open live connections (SSE), so each user holds a bounded number and sign-out closes theirs. */
export class LiveHub {
  readonly #bySession = new Map<string, Set<() => void>>();
  readonly #perUser = new Map<string, number>();

  constructor(
    private readonly maxPerUser: number,
    /** Tells the other replicas a session ended (they close its connections too). */
    private readonly announceEnd: (sessionId: string) => void = () => undefined,
  ) {}

  /** Registers a connection; returns its release, or null when the user is at the cap. */
  open(sessionId: string, userId: string, close: () => void): (() => void) | null {
    const count = this.#perUser.get(userId) ?? 0;
    if (count >= this.maxPerUser) return null;
    this.#perUser.set(userId, count + 1);
    const set = this.#bySession.get(sessionId) ?? new Set();
    set.add(close);
    this.#bySession.set(sessionId, set);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      set.delete(close);
      if (set.size === 0) this.#bySession.delete(sessionId);
      const left = (this.#perUser.get(userId) ?? 1) - 1;
      if (left <= 0) this.#perUser.delete(userId);
      else this.#perUser.set(userId, left);
    };
  }

  /** How many connections a user holds here. */
  count(userId: string): number {
    return this.#perUser.get(userId) ?? 0;
  }

  /** Sign-out: closes the session's connections here and asks the other replicas to. */
  endSession(sessionId: string): void {
    this.announceEnd(sessionId);
    this.closeLocal(sessionId);
  }

  closeLocal(sessionId: string): void {
    for (const close of [...(this.#bySession.get(sessionId) ?? [])]) close();
  }

  closeAll(): void {
    for (const sessionId of [...this.#bySession.keys()]) this.closeLocal(sessionId);
  }
}
