import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quantile } from './stats.ts';

const bin = fileURLToPath(new URL('../../bin/chat-guard.mjs', import.meta.url));

function timeOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`chat-guard --help exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** The median wall time of `chat-guard --help` over `runs` fresh processes, in ms: what a person waits. */
export async function measureHelpTime(runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeOnce());
  return quantile(times, 0.5);
}
