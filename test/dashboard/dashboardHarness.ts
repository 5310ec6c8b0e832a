import { request } from 'node:http';
import { createServer } from 'node:net';
import { NATS_URL } from '../support/bus.ts';
import { type Spawned, spawnService } from '../support/processes.ts';
import type { System } from '../support/system.ts';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningDashboard {
  readonly url: string;
  readonly process: Spawned;
}

/** Starts the dashboard service against a test system's sandbox, database, NATS namespace and Redis. */
export async function startDashboard(
  system: System,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<RunningDashboard> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  system.sandbox.oauth.registerRedirect(`${url}/auth/callback`);
  const process = spawnService('dashboard', {
    NATS_URL,
    NATS_NAMESPACE: system.namespace,
    DATABASE_URL: system.database.url,
    DISCORD_API_URL: system.sandbox.api,
    DISCORD_TOKEN: system.sandbox.token,
    DISCORD_CLIENT_ID: system.sandbox.oauth.clientId,
    DISCORD_CLIENT_SECRET: system.sandbox.oauth.clientSecret,
    DISCORD_AUTHORIZE_URL: system.sandbox.oauth.authorizeUrl,
    DASHBOARD_PORT: String(port),
    DASHBOARD_PUBLIC_URL: url,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    OTEL_SERVICE_NAME: 'dashboard',
    ...extraEnv,
  });
  await process.waitForOutput(/"msg":"ready"/, 60_000);
  return { url, process };
}

/** A browser without a browser: follows the sign-in redirects and keeps cookies, for API tests. */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  csrfToken = '';

  constructor(
    readonly base: string,
    private readonly system: System,
  ) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const headers = new Headers(init.headers);
    if (url.startsWith(this.base) && this.cookies.size > 0)
      headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.startsWith(this.base))
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    return res;
  }

  /** Signs in as a sandbox user through the OAuth consent page; returns the callback's answer. */
  async signIn(userId: string, tamper?: (callback: URL) => void): Promise<Response> {
    const login = await this.fetch('/auth/login');
    const consentUrl = login.headers.get('location') ?? '';
    const consent = await fetch(consentUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_id: userId, decision: 'authorize' }),
    });
    const callback = new URL(consent.headers.get('location') ?? '');
    tamper?.(callback);
    const answer = await this.fetch(callback.toString());
    if (answer.status === 302) {
      const session = await this.fetch('/api/session');
      if (session.ok) this.csrfToken = ((await session.json()) as { csrfToken: string }).csrfToken;
    }
    return answer;
  }

  /** A JSON change with the CSRF token (unless told otherwise). */
  async send(method: string, path: string, body: unknown, csrf = true): Promise<Response> {
    return this.fetch(path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': this.csrfToken } : {}) },
      body: JSON.stringify(body),
    });
  }

  /**
   * A JSON change on a connection of its own: the server may answer an oversized body before
   * reading it and close the connection, which must not be one the next request reuses.
   */
  async sendAlone(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, {
        method,
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          'X-CSRF-Token': this.csrfToken,
          Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      });
      // The server may stop reading once it has answered: that is not a failure of the test.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? undefined : reject(err)));
      req.end(payload);
    });
  }

  get sandbox() {
    return this.system.sandbox;
  }
}
