import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { NATS_URL, uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { type Spawned, spawnService } from '../support/processes.ts';

const running: Spawned[] = [];
afterEach(() => {
  for (const s of running.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

function startService(name: string, env: NodeJS.ProcessEnv): Spawned {
  const service = spawnService(name, {
    NATS_URL,
    OTEL_SERVICE_NAME: name,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: 'test-token',
    DISCORD_API_URL: 'http://127.0.0.1:9/api',
    ...env,
  });
  running.push(service);
  return service;
}

function portOf(service: Spawned): number {
  const match = /"port":(\d+)/.exec(service.output());
  if (!match?.[1]) throw new Error(`no port in output:\n${service.output()}`);
  return Number(match[1]);
}

async function readyWithin(url: string, ms: number): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await fetch(url);
    const answer = { status: response.status, body: await response.json() };
    if (answer.status === 200 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a service', () => {
  it.each([
    ['NATS_URL', 'http://not-nats', /NATS_URL: must be one or more nats:\/\/ URLs/],
    ['HTTP_PORT', 'eighty', /HTTP_PORT/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be a postgres:\/\/ URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['DISCORD_TOKEN', '', /DISCORD_TOKEN: is required/],
    ['DISCORD_API_URL', 'https://discord.com', /DISCORD_API_URL: must be a URL ending in \/api/],
  ])('with a bad %s exits non-zero naming the variable', async (variable, value, pattern) => {
    const service = startService('enforcer', { [variable]: value });
    const code = await service.exited;
    expect(code).toBe(78);
    expect(service.output()).toMatch(pattern);
    expect(service.output()).not.toContain('test-token');
  });

  it('serves health, readiness and metrics, and drains on SIGTERM', async () => {
    // Its own database: the test must not depend on what else this machine has set up.
    const database = await migratedDatabase();
    onTestFinished(() => database.close());
    const service = startService('log-writer', {
      HTTP_PORT: '0',
      NATS_NAMESPACE: uniqueNamespace(),
      DATABASE_URL: database.url,
    });
    await service.waitForOutput(/"msg":"ready"/);
    const base = `http://127.0.0.1:${portOf(service)}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    // A readiness probe is polled: on a loaded machine one check may time out once.
    const ready = await readyWithin(`${base}/readyz`, 15_000);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { started: 'ok', nats: 'ok', postgres: 'ok' },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/target_info\{[^}]*service_name="log-writer"/);
    // Nothing of the process or the host: no command line, no executable path, no host name.
    expect(metrics).not.toMatch(/process_command|process_executable|host_name|process_owner/);
    expect(metrics).not.toContain(database.url);
    // The Node.js runtime, the service's own consumer as JetStream counts it, and the audit
    // verification (a fresh database: nothing broken), all under Prometheus's conventions.
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(metrics).toMatch(new RegExp(`^${name}\\{`, 'm'));
    expect(metrics).toMatch(
      /^chatguard_jetstream_consumer_pending_messages\{[^}]*consumer="log-writer"[^}]*\} 0$/m,
    );
    expect(metrics).toMatch(
      /^chatguard_jetstream_consumer_ack_pending_messages\{[^}]*consumer="log-writer"[^}]*\} 0$/m,
    );
    expect(metrics).toMatch(/^chatguard_deadletter_messages\{[^}]*\} 0$/m);
    expect(metrics).toMatch(/^chatguard_audit_chains_broken\{[^}]*\} 0$/m);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('"msg":"drained"');
  });

  it('reports not ready, naming the dependency, while Redis is unreachable', async () => {
    const service = startService('content-filter', {
      HTTP_PORT: '0',
      NATS_NAMESPACE: uniqueNamespace(),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    await service.waitForOutput(/"msg":"ready"/);
    const ready = await fetch(`http://127.0.0.1:${portOf(service)}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { reasons: Record<string, string> };
    expect(body).toMatchObject({ status: 'not ready', checks: { nats: 'ok', redis: 'failing' } });
    expect(Object.keys(body.reasons)).toEqual(['redis']);
    expect(service.output()).toContain('redis connection error');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('logs where NATS is without the credentials in its URL', async () => {
    const service = startService('enforcer', {
      HTTP_PORT: '0',
      NATS_NAMESPACE: uniqueNamespace(),
      NATS_URL: 'nats://chatguard:hunter2-nats-password@127.0.0.1:1',
    });
    await service.waitForOutput(/is not reachable yet/);
    expect(service.output()).toContain(
      'NATS at nats://[redacted]@127.0.0.1:1 (NATS_URL) is not reachable yet',
    );
    expect(service.output()).not.toContain('hunter2-nats-password');
    service.child.kill('SIGTERM');
    await service.exited;
    expect(service.output()).not.toContain('hunter2-nats-password');
  });

  it('serves health and metrics on loopback unless HTTP_HOST says otherwise', async () => {
    const service = startService('enforcer', {
      HTTP_PORT: '0',
      HTTP_HOST: undefined,
      NATS_NAMESPACE: uniqueNamespace(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    await service.waitForOutput(/"port":\d+/);
    expect(service.output()).toMatch(/"host":"127\.0\.0\.1"/);
    service.child.kill('SIGTERM');
    await service.exited;
  });

  it('reports not ready, naming it, while PostgreSQL is unreachable, and still drains', async () => {
    const service = startService('enforcer', {
      HTTP_PORT: '0',
      NATS_NAMESPACE: uniqueNamespace(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    await service.waitForOutput(/"msg":"ready"/);
    const ready = await fetch(`http://127.0.0.1:${portOf(service)}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { nats: 'ok', postgres: 'failing' } });
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('exits 78 naming the variable when Discord refuses the token, without showing it', async () => {
    const { startSandbox } = await import('@chat-guard/sandbox');
    const sandbox = await startSandbox({ guilds: 1 });
    try {
      const service = startService('gateway', {
        HTTP_PORT: '0',
        NATS_NAMESPACE: uniqueNamespace(),
        DISCORD_API_URL: sandbox.api,
        DISCORD_TOKEN: 'not-the-token',
      });
      // A refused token is a configuration error: 78, so no supervisor restarts it.
      expect(await service.exited).toBe(78);
      expect(service.output()).toMatch(
        /"level":"fatal".*"variable":"DISCORD_TOKEN".*Discord rejected the bot token/,
      );
      expect(service.output()).not.toContain('not-the-token');
    } finally {
      await sandbox.close();
    }
  });

  it('exits non-zero naming the port when its ops port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const service = startService('content-filter', {
        HTTP_PORT: String(taken),
        NATS_NAMESPACE: uniqueNamespace(),
      });
      expect(await service.exited).toBe(1);
      expect(service.output()).toContain(`cannot serve /healthz on 127.0.0.1:${taken} (set HTTP_PORT)`);
    } finally {
      blocker.close();
    }
  });
});
