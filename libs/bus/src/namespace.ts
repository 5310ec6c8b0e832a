/**
 * Prefixes subjects and stream names so that several deployments (or test runs) can share
 * one NATS server. The empty namespace leaves names exactly as declared.
 */
export class Namespace {
  constructor(readonly prefix: string) {
    if (prefix !== '' && !/^[A-Za-z0-9_-]+$/.test(prefix)) {
      throw new Error(`namespace "${prefix}" may only hold letters, digits, _ and -`);
    }
  }

  subject(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  stream(name: string): string {
    return this.prefix ? `${this.prefix}_${name}` : name;
  }

  /** The declared subject behind a namespaced one. */
  unprefix(subject: string): string {
    const head = `${this.prefix}.`;
    return this.prefix && subject.startsWith(head) ? subject.slice(head.length) : subject;
  }
}
