import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * A nats-server of the test's own, with JetStream on disk, that the test may kill and restart
 * (the machine's shared server is never touched).
 */
export async function startPrivateNats() {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'private-nats-'));
  let child: ChildProcess | undefined;
  const up = async () => {
    const started = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) {
          started.stderr?.off('data', onData);
          started.stderr?.resume();
          resolve();
        }
      };
      started.stderr?.on('data', onData);
      started.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${log}`)));
    });
  };
  const down = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await up();
  return {
    url: `nats://127.0.0.1:${port}`,
    /** Kills the server, waits `pauseMs`, and starts it again on the same port and store. */
    async restart(pauseMs: number) {
      await down();
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await up();
    },
    /** Kills the server; `start` brings it back on the same port and store. */
    kill: down,
    start: up,
    async stop() {
      await down();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
