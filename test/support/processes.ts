import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** Resolves when the output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Runs `node --import tsx <args>` from the repository root and records its output. */
export function spawnTs(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    output: () => text,
    exited,
    async waitForOutput(pattern, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${text}`);
        if (child.exitCode !== null)
          throw new Error(`exited (${child.exitCode}) before ${pattern}; output:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
