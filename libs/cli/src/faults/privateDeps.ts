import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${err}`)),
    );
  });
}

/** A long-running server process that is ready once `readyText` appears in its output. */
async function serve(command: string, args: string[], readyText: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(readyText)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready: ${log}`)),
    );
  });
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * NATS (JetStream on disk), Redis (in memory only) and PostgreSQL of the fault run's own, on
 * free ports under a temporary directory: started here, faulted here, stopped here. The
 * machine's own servers are never touched.
 */
export async function startPrivateDeps() {
  const dir = await mkdtemp(join(tmpdir(), 'chat-guard-faults-'));
  const [natsPort, redisPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const natsArgs = ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', join(dir, 'nats')];
  const redisArgs = ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  // PostgreSQL refuses to run as root: as root, its files and processes belong to `postgres`.
  const pgRoot = join(dir, 'pg');
  await mkdir(pgRoot);
  const asRoot = process.getuid?.() === 0;
  const pg = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  if (asRoot) {
    await chmod(dir, 0o755);
    await run('chown', ['postgres', pgRoot]);
  }
  const pgData = join(pgRoot, 'data');
  await pg('initdb', ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const pgCtl = (action: 'start' | 'stop') =>
    pg('pg_ctl', [
      '-D',
      pgData,
      '-w',
      '-o',
      `-p ${pgPort} -k ${pgRoot} -c listen_addresses=127.0.0.1`,
      ...(action === 'stop' ? ['-m', 'immediate'] : ['-l', join(pgRoot, 'pg.log')]),
      action,
    ]);
  let nats = await serve('nats-server', natsArgs, 'Server is ready');
  let redis = await serve('redis-server', redisArgs, 'Ready to accept connections');
  await pgCtl('start');
  return {
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/chatguard`,
    async restartNats(pauseMs: number) {
      await kill(nats);
      await new Promise((r) => setTimeout(r, pauseMs));
      nats = await serve('nats-server', natsArgs, 'Server is ready');
    },
    /** Redis restarted with nothing in it, as after a crash without persistence. */
    async restartRedisEmpty() {
      await kill(redis);
      redis = await serve('redis-server', redisArgs, 'Ready to accept connections');
    },
    stopPostgres: () => pgCtl('stop'),
    startPostgres: () => pgCtl('start'),
    async stop() {
      await kill(nats);
      await kill(redis);
      await pgCtl('stop').catch((err: unknown) => {
        if (!String(err).includes('not running') && !String(err).includes('PID file')) throw err;
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PrivateDeps = Awaited<ReturnType<typeof startPrivateDeps>>;
