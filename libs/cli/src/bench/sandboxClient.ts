import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BotAction, RestCall } from '@chat-guard/sandbox';
import { repoRoot } from '../services.ts';
import type { ChatResult, HostReady, HostRequest, HostSpec, WaveResult } from './sandboxProtocol.ts';

const hostFile = fileURLToPath(new URL('./sandboxHost.ts', import.meta.url));

type Body<T extends HostRequest['op']> = Omit<Extract<HostRequest, { op: T }>, 'id' | 'op'>;
/** A request before it gets its id (Omit over each member of the union, not the union). */
type Unsent = HostRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** The sandbox running in its own process, driven over IPC. */
export class SandboxHost {
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: HostReady,
  ) {
    child.on('message', (reply: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(new Error(`the sandbox process failed: ${reply.error}`));
      else waiting?.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      for (const waiting of this.#pending.values())
        waiting.reject(new Error(`the sandbox process exited (${signal ?? code})`));
      this.#pending.clear();
    });
  }

  /** Starts the sandbox process; resolves once its guilds are seeded and it listens. */
  static start(spec: HostSpec): Promise<SandboxHost> {
    const child = fork(hostFile, [JSON.stringify(spec)], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (message: { ready?: HostReady }) => {
        if (message.ready) resolve(new SandboxHost(child, message.ready));
        else reject(new Error(`the sandbox process said ${JSON.stringify(message)} before it was ready`));
      });
      child.once('exit', (code) =>
        reject(new Error(`the sandbox process exited (${code}) before it was ready`)),
      );
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  #ask<T>(request: Unsent): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }

  /** Ordinary chat at a paced rate in the chat guilds. */
  chat(body: Body<'chat'>): Promise<ChatResult> {
    return this.#ask({ op: 'chat', ...body });
  }

  /** The spam wave in the wave guild. */
  wave(body: Body<'wave'>): Promise<WaveResult> {
    return this.#ask({ op: 'wave', ...body });
  }

  /** Every REST action of the bot at or after `since` (ms). */
  actions(since: number): Promise<BotAction[]> {
    return this.#ask({ op: 'actions', since });
  }

  /** Every REST request of the bot at or after `since` (ms), with its status. */
  restCalls(since: number): Promise<RestCall[]> {
    return this.#ask({ op: 'restCalls', since });
  }

  /** How many guilds the bot has registered its slash commands in (the gateway is up). */
  registered(): Promise<number> {
    return this.#ask({ op: 'registered' });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.#ask({ op: 'close' });
    this.child.disconnect();
    await exited;
  }
}
