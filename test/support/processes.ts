import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_ARGS } from '../../libs/cli/src/services.ts';

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
  return spawnNode(['--import', 'tsx', ...args], env);
}

/**
 * Where the test run's global setup bundles the services, as the image has them. It sits at
 * the top of the repository, as dist/ does, so a bundle's paths to models/ and
 * dist/dashboard-web resolve as they do from dist/.
 */
export const TEST_DIST = join(repoRoot, '.test-dist');

/**
 * Runs a service as the image runs it: its bundle with telemetry preloaded and the image's node
 * flags (SERVICE_NODE_ARGS), from the bundles the global setup built from this checkout.
 * Starting one takes a fifth of the CPU it takes through tsx, and the e2e files start dozens.
 */
export function spawnService(name: string, env: NodeJS.ProcessEnv = {}): Spawned {
  return spawnNode(
    [
      ...SERVICE_NODE_ARGS,
      '--import',
      join(TEST_DIST, 'instrument.mjs'),
      join(TEST_DIST, 'services', name, 'main.mjs'),
    ],
    env,
  );
}

/** Runs `node <args>` from the repository root and records its output. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, args, {
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
