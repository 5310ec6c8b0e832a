import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactUrlCredentials } from './logger.ts';
import { activeTelemetry } from './telemetry.ts';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when the dependency can be used now. */
  check(): Promise<boolean> | boolean;
}

export interface OpsServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** True when the check passed, else why not (a timeout, or the error the check threw). */
async function runCheck(check: ReadinessCheck): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([Promise.resolve(check.check()), timeout]);
    return answer === true ? true : answer === false ? 'not ready' : answer;
  } catch (err) {
    // A check that throws is a dependency that is not ready: the body says which, and why.
    return redactUrlCredentials(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

/** Serves /healthz (the process is alive), /readyz (every dependency answers, or why not) and /metrics, nothing else. */
export async function startOpsServer(
  host: string,
  port: number,
  checks: () => readonly ReadinessCheck[],
): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const list = checks();
      void Promise.all(list.map(runCheck)).then((results) => {
        const status = Object.fromEntries(
          list.map((c, i) => [c.name, results[i] === true ? 'ok' : 'failing']),
        );
        const reasons = Object.fromEntries(
          list.flatMap((c, i) => (results[i] === true ? [] : [[c.name, results[i]]])),
        );
        const ready = list.length > 0 && results.every((r) => r === true);
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        const body = { status: ready ? 'ready' : 'not ready', checks: status };
        res.end(JSON.stringify(ready ? body : { ...body, reasons }));
      });
      return;
    }
    if (path === '/metrics') {
      const telemetry = activeTelemetry();
      if (telemetry) return telemetry.prometheus.getMetricsRequestHandler(req, res);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('# telemetry is not started\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
