import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connectBus } from '@chat-guard/bus';
import { topology } from '@chat-guard/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock, DEMO_TIMES } from '../../libs/cli/src/demo/demoPlan.ts';
import { NATS_URL, uniqueNamespace, waitFor } from '../support/bus.ts';
import { freshDatabase } from '../support/postgres.ts';
import { repoRoot } from '../support/processes.ts';

// The Quickstart's first command as a newcomer runs it: `npm run up`, then Ctrl-C. Everything
// is checked the way a person would look: the printed lines and the sandbox's inspection API.

const SERVICES = [
  'gateway',
  'content-filter',
  'invite-tracker',
  'anomaly-detector',
  'enforcer',
  'log-writer',
  'verifier',
  'dashboard',
];
const namespace = uniqueNamespace();
const database = freshDatabase();
let up: ChildProcess;
let output = '';
let base = '';
let exited: Promise<number | string>;

interface Action {
  readonly kind: string;
  readonly guildId?: string;
  readonly channelId?: string;
  readonly userId?: string;
  readonly messageIds?: string[];
  readonly data: Record<string, unknown>;
}
interface GuildView {
  readonly id: string;
  readonly adminId: string;
  readonly channels: Record<string, string>;
  readonly memberIds: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}

const actions = (query: string) => get<Action[]>(`/actions?${query}`);

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  await waitFor(check, what, timeoutMs).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- npm run up printed:\n${output}`);
  });
}

/** The environments of this run's service processes, by service name, read from /proc. */
function serviceEnvironments(): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let raw: string;
    try {
      raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // gone, or not ours
    }
    const env = new Map(
      raw
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
    );
    const name = env.get('OTEL_SERVICE_NAME');
    if (name && env.get('NATS_NAMESPACE') === namespace) found.set(name, env);
  }
  return found;
}

function summaries(): string[] {
  return output.split('\n').filter((line) => line.startsWith('[summary]'));
}

beforeAll(async () => {
  const sandboxPort = await freePort();
  up = spawn('npm', ['run', 'up', '--', '--sandbox-port', String(sandboxPort), '--summary-every', '5'], {
    cwd: repoRoot,
    // Its own process group, so that the test can send Ctrl-C to it as a terminal does.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NATS_URL,
      NATS_NAMESPACE: namespace,
      DATABASE_URL: database.url,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      // The dashboard's and the verifier's pages too: ports of their own, not 8091 and 8090.
      DASHBOARD_PORT: '0',
      WEB_PORT: '0',
      // The suite runs from node_modules: `npm ci` must not replace it under the other tests.
      CHAT_GUARD_SKIP_DEPS: '1',
    },
  });
  for (const stream of [up.stdout, up.stderr]) stream?.on('data', (chunk: Buffer) => (output += chunk));
  exited = new Promise((resolve) => up.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  base = `http://127.0.0.1:${sandboxPort}/_sandbox`;
}, 30_000);

afterAll(async () => {
  // Should a test fail before Ctrl-C, stop it the same way so that no service is left running.
  if (up?.pid && !output.includes('all services stopped')) {
    process.kill(-up.pid, 'SIGINT');
    await waitFor(() => output.includes('all services stopped'), 'the drain', 45_000).catch(() => {
      if (up.pid) process.kill(-up.pid, 'SIGKILL');
    });
  }
  const bus = await connectBus({ servers: NATS_URL, name: 'up-test-cleanup', namespace, topology });
  for (const stream of topology.streams)
    await bus.jsm.streams.delete(bus.ns.stream(stream.name)).catch(() => false);
  await bus.nc.close();
  await database.drop();
}, 60_000);

describe('npm run up, the demo', () => {
  let guilds: GuildView[] = [];

  it('starts traffic once every service is ready and says what is coming and where to look', async () => {
    await until('the services to be ready', 180_000, async () =>
      output.includes('[traffic] every service is ready'),
    );
    expect(output).toContain(`[look] what the bot did and each guild's state: ${base} (lists its endpoints)`);
    const index = await get<{ endpoints: { route: string }[] }>('');
    expect(index.endpoints.map((e) => e.route)).toContain('GET /_sandbox/actions');
    await until('the timeline', 90_000, async () => /guild 2: a raid/.test(output));
    const at = (sec: number | undefined) => clock(sec ?? -1);
    expect(output).toMatch(
      new RegExp(
        `\\[demo\\] {3}${at(DEMO_TIMES.invitePosts[0])} \\(\\d\\d:\\d\\d:\\d\\d\\) guild 1: a member posts an invite link`,
      ),
    );
    expect(output).toMatch(
      new RegExp(`\\[demo\\] {3}${at(DEMO_TIMES.raid)} \\(\\d\\d:\\d\\d:\\d\\d\\) guild 2: a raid`),
    );
    guilds = await get<GuildView[]>('/guilds');
    expect(guilds).toHaveLength(2);
    // Every service runs as the image runs it: two malloc arenas (docs/kubernetes.md).
    const environments = serviceEnvironments();
    for (const service of SERVICES)
      expect(environments.get(service)?.get('MALLOC_ARENA_MAX'), service).toBe('2');
  }, 300_000);

  it('deletes the invite links of guild 1, warns the member twice in the channel, then times them out', async () => {
    const [first] = guilds;
    if (!first) throw new Error('no guild 1');
    await until('a timeout in guild 1', 120_000, async () => {
      return (await actions(`kind=member.timedOut&guildId=${first.id}`)).length > 0;
    });
    const deleted = await actions(`kind=message.deleted&guildId=${first.id}`);
    expect(deleted.length).toBeGreaterThanOrEqual(3);
    const poster = first.memberIds[0];
    const sent = await actions(`kind=message.sent&guildId=${first.id}`);
    const warnings = sent.filter(
      (a) => a.channelId !== first.channels['mod-log'] && String(a.data.content).includes(`<@${poster}>`),
    );
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    const timedOut = await actions(`kind=member.timedOut&guildId=${first.id}`);
    expect(timedOut.map((a) => a.userId)).toContain(poster);
    expect(sent.some((a) => a.channelId === first.channels['mod-log'])).toBe(true);
  }, 150_000);

  it('locks the raid in guild 2 down and posts the alert with its buttons in #alerts', async () => {
    const [, second] = guilds;
    if (!second) throw new Error('no guild 2');
    let alert: Action | undefined;
    await until('the lockdown alert in #alerts', 150_000, async () => {
      const sent = await actions(`kind=message.sent&channelId=${second.channels.alerts}`);
      alert = sent.find((a) => JSON.stringify(a.data).includes('lockdown:false-alarm:'));
      return alert !== undefined;
    });
    const steps = await actions(`guildId=${second.id}`);
    expect(steps.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['guild.incidentActions', 'guild.verificationLevel', 'member.timedOut']),
    );
    // An admin answers: "False alarm: lift and release". The summary counts an admin's lift.
    const customId = /lockdown:false-alarm:[\d-]+/.exec(JSON.stringify(alert?.data))?.[0];
    const response = await fetch(`${base}/interactions/button`, {
      method: 'POST',
      body: JSON.stringify({
        channelId: second.channels.alerts,
        userId: second.adminId,
        messageId: alert?.messageIds?.[0],
        customId,
      }),
    });
    expect(response.status).toBe(200);
    await until('the admin lift in the summary', 60_000, async () =>
      summaries().some((line) => line.includes('LOCKDOWNS 1 (lifted: 0 by the detector, 1 by an admin)')),
    );
  }, 240_000);

  it('drains every service on Ctrl-C and prints a last summary of this run', async () => {
    const timedOut = (await actions('kind=member.timedOut')).length;
    if (!up.pid) throw new Error('npm run up is not running');
    process.kill(-up.pid, 'SIGINT');
    await until('the drain', 60_000, async () => output.includes('all services stopped'));
    // npm re-raises the Ctrl-C it was sent once its script has exited; chat-guard itself exits 0.
    expect(['SIGINT', 0], output).toContain(await exited);
    for (const service of SERVICES) expect(output).toMatch(new RegExp(`${service} +info +drained`));
    expect(output).toContain('all services stopped');
    expect(output).not.toMatch(/exited \(.*\); restarting/);
    const last = summaries().at(-1) ?? '';
    const count = (label: string) => Number(new RegExp(`${label} (\\d+)`).exec(last)?.[1]);
    expect(count('violations')).toBeGreaterThanOrEqual(3);
    expect(count('timed out')).toBeGreaterThanOrEqual(timedOut);
    expect(last).toContain('LOCKDOWNS 1 (lifted: 0 by the detector, 1 by an admin)');
  }, 90_000);
});
