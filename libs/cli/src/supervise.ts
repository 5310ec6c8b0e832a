import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot, serviceArgs, serviceEnv } from './services.ts';

export interface SupervisedService {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface SuperviseOptions {
  /** Print each service's JSON log lines as they are instead of a compact line. */
  readonly raw: boolean;
  /** Print every line; otherwise only warnings, errors and lifecycle lines (ready, draining…). */
  readonly verbose: boolean;
  readonly write: (line: string) => void;
  /** Every JSON log line of every service, parsed (for readiness and the demo's own checks). */
  readonly onLog?: (service: string, entry: Readonly<Record<string, unknown>>) => void;
  /** A service exited with a configuration error (78): it is not restarted. */
  readonly onConfigError?: (service: string) => void;
}

/** The exit code of a service whose environment or configuration is wrong (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

const LIFECYCLE = /^(ready|draining|drained|shard ready|shard resumed|slash commands registered)$/;

/** Whether a log line is worth an operator's attention when not verbose. */
export function isNotable(line: string): boolean {
  try {
    const { level, msg } = JSON.parse(line) as { level?: unknown; msg?: unknown };
    return level === 'warn' || level === 'error' || level === 'fatal' || LIFECYCLE.test(String(msg));
  } catch {
    return true; // not JSON: a crash trace or the runtime's own complaint, always shown
  }
}

function parseEntry(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const LEVEL_WIDTH = 5;

/** One compact, human-readable line from a service's JSON log line. */
export function formatLogLine(service: string, line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${service.padEnd(16)} ${line}`; // not JSON (a crash trace, say): shown as it came
  }
  // Trace and span ids are for the JSON logs a collector reads (--raw), not for a person.
  const {
    level,
    time,
    msg,
    service: _s,
    version: _v,
    pid: _p,
    hostname: _h,
    trace_id: _t,
    span_id: _sp,
    ...rest
  } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  // An error's stack is for the JSON logs; a person reads its message.
  const err = (rest as { err?: unknown }).err;
  if (typeof err === 'object' && err !== null && 'message' in err)
    rest.err = (err as { message: unknown }).message;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${clock} ${service.padEnd(16)} ${String(level ?? '').padEnd(LEVEL_WIDTH)} ${String(msg ?? '')}${extra}`;
}

/**
 * Runs services as child processes, restarts one that crashes (with a growing delay), and
 * on stop sends SIGTERM to all and waits for them to drain.
 */
export function supervise(list: readonly SupervisedService[], options: SuperviseOptions) {
  const children = new Map<string, ChildProcess>();
  const crashes = new Map<string, number>();
  let stopping = false;

  const start = (service: SupervisedService) => {
    const child = spawn(process.execPath, serviceArgs(service.name), {
      cwd: repoRoot,
      env: serviceEnv({ ...process.env, OTEL_SERVICE_NAME: service.name, ...service.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: Ctrl-C in a terminal reaches only this process, which stops the
      // services in order (SIGTERM, then each drains) instead of each seeing SIGINT at once.
      detached: true,
    });
    children.set(service.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (options.onLog && line.startsWith('{')) {
          const entry = parseEntry(line);
          if (entry) options.onLog(service.name, entry);
        }
        if (!options.verbose && !isNotable(line)) return;
        options.write(options.raw ? line : formatLogLine(service.name, line));
      });
    }
    child.on('exit', (code, signal) => {
      children.delete(service.name);
      if (stopping) return;
      if (code === EXIT_CONFIG) {
        options.write(
          `${service.name} stopped: its configuration is wrong (exit ${EXIT_CONFIG}); the line above names the setting. Not restarting.`,
        );
        options.onConfigError?.(service.name);
        return;
      }
      const count = (crashes.get(service.name) ?? 0) + 1;
      crashes.set(service.name, count);
      const delayMs = Math.min(1_000 * 2 ** (count - 1), 30_000);
      options.write(
        `${service.name} exited (${signal ?? `code ${code}`}); restarting in ${delayMs / 1000} s`,
      );
      setTimeout(() => {
        if (!stopping) start(service);
      }, delayMs).unref();
    });
  };

  for (const service of list) start(service);
  // If this process dies without stopping them, the services must not live on as orphans.
  process.once('exit', () => {
    for (const child of children.values()) child.kill('SIGTERM');
  });

  return {
    /** SIGTERM to every service; resolves when all have exited. */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
