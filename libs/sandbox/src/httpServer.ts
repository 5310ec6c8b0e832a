import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TraceFormatError } from '@chat-guard/join-trace';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import {
  DiscordHttpError,
  invalidFormBody,
  isDiscordHttpError,
  JoinRejectedError,
  SandboxUsageError,
} from './errors.ts';
import type { FaultSwitches } from './faults.ts';
import type { GatewayServer } from './gatewayServer.ts';
import type { RestCallLog } from './inspection.ts';
import type { SandboxOAuth } from './oauth.ts';
import { RateLimiter, rateLimitBody } from './rateLimiter.ts';
import { DEFAULT_BUCKET, type RestRouter } from './restRouter.ts';
import { authorizePage } from './routes/oauthRoutes.ts';
import type { SandboxCore } from './sandboxCore.ts';

/** Handles `/_sandbox/...` (the inspection API); answers true when it took the request. */
export type ExtraHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
) => Promise<{ status: number; body?: unknown } | null>;

export interface HttpOptions {
  readonly core: SandboxCore;
  readonly router: RestRouter;
  readonly gateway: GatewayServer;
  readonly faults: FaultSwitches;
  readonly inspection: ExtraHandler;
  /** Where every request under `/api` is logged with its status. */
  readonly restCalls: RestCallLog;
  /** Discord's OAuth2 consent page (`/oauth2/authorize`, outside the API). */
  readonly oauth: SandboxOAuth;
  readonly globalRequestsPerSecond: number;
  readonly enforceRateLimits: boolean;
  readonly log?: (message: string) => void;
}

const API_PREFIX = /^\/api(?:\/v\d+)?(?=\/|$)/;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  if (text.trim() === '') return undefined;
  const type = req.headers['content-type'] ?? '';
  // The OAuth2 token endpoint takes a form, as RFC 6749 says.
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  if (type.startsWith('multipart/form-data')) {
    // discord.js sends multipart only with files; the JSON part is `payload_json`.
    const match = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    if (!match?.[1]) throw invalidFormBody('payload_json', 'BASE_TYPE_REQUIRED', 'This field is required');
    return JSON.parse(match[1]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DiscordHttpError(
      400,
      RESTJSONErrorCodes.InvalidFormBodyOrContentType,
      'The request body contains invalid JSON.',
      undefined,
      { cause: err },
    );
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Why an inspection request is refused, or undefined. The inspection API is a development tool
 * that drives fake users and shows the state: only this machine may use it, and never a web
 * page (a browser sends `Origin` with a cross-origin request, even a "simple" text/plain POST).
 */
function inspectionRefusal(req: IncomingMessage): string | undefined {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? ''))
    return 'the sandbox inspection API answers only on loopback';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)
    return 'the sandbox inspection API takes no cross-origin requests';
  return undefined;
}

/** The sandbox's HTTP server: Discord's REST API under `/api`, the gateway upgrade at `/gateway`, inspection at `/_sandbox`. */
export function createSandboxHttpServer(options: HttpOptions): Server {
  const { core, router, gateway, faults } = options;
  const limiter = new RateLimiter(core.now, options.globalRequestsPerSecond);

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const matched = router.match(method, path);
    if (!('route' in matched)) {
      if (matched.pathExists) send(res, 405, { message: '405: Method Not Allowed', code: 0 });
      else send(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const { route, params, bucketHash, bucketKey } = matched;
    const authorization = req.headers.authorization ?? null;
    const isBot = authorization === `Bot ${core.state.token}`;
    const isBearer = route.auth === 'oauth' && authorization?.startsWith('Bearer ') === true;
    if (route.auth !== false && !isBot && !isBearer) {
      send(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const fault = faults.decide();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind === 'serverError' && !fault.afterEffect) {
      send(res, fault.status, { message: `${fault.status}: Internal Server Error`, code: 0 });
      return;
    }
    if (fault.kind === 'rateLimited') {
      const headers: Record<string, string> = {
        'Retry-After': String(Math.ceil(fault.retryAfterMs / 1000)),
        'X-RateLimit-Scope': fault.global ? 'global' : 'shared',
      };
      if (fault.global) headers['X-RateLimit-Global'] = 'true';
      send(res, 429, rateLimitBody(fault.retryAfterMs, fault.global), headers);
      return;
    }
    let headers: Record<string, string> = {};
    if (options.enforceRateLimits) {
      const decision = limiter.take(bucketHash, bucketKey, route.bucket ?? DEFAULT_BUCKET, isBot);
      headers = decision.headers;
      if (decision.limited) {
        send(res, 429, rateLimitBody(decision.retryAfterMs, decision.global), headers);
        return;
      }
    }
    const rawReason = req.headers['x-audit-log-reason'];
    const reason = typeof rawReason === 'string' ? decodeURIComponent(rawReason) : null;
    const result = await route.handle(
      { params, query, body: await readBody(req), reason, authorization },
      core,
    );
    if (fault.kind === 'serverError')
      send(res, fault.status, { message: `${fault.status}: Internal Server Error`, code: 0 });
    else send(res, result.status, result.body, headers);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const run = async (): Promise<void> => {
      if (url.pathname === '/oauth2/authorize') {
        const form = method === 'POST' ? await readBody(req) : undefined;
        const page = authorizePage(
          options.oauth,
          method,
          url.searchParams,
          (form ?? {}) as Record<string, string>,
        );
        res.writeHead(page.status, page.headers).end(page.body);
        return;
      }
      if (url.pathname.startsWith('/_sandbox')) {
        const refusal = inspectionRefusal(req);
        if (refusal) {
          send(res, 403, { message: refusal, code: 0 });
          return;
        }
        const path = url.pathname.slice('/_sandbox'.length) || '/';
        // A join trace is posted as JSON Lines, everything else as JSON.
        const body =
          method === 'GET' ? undefined : path === '/replay' ? await readText(req) : await readBody(req);
        const answer = await options.inspection(method, path, url.searchParams, body);
        if (answer) send(res, answer.status, answer.body);
        else send(res, 404, { message: '404: Not Found', code: 0 });
        return;
      }
      const prefix = API_PREFIX.exec(url.pathname);
      if (!prefix) {
        send(res, 404, { message: '404: Not Found', code: 0 });
        return;
      }
      const apiPath = url.pathname.slice(prefix[0].length) || '/';
      res.once('finish', () => options.restCalls.record({ method, path: apiPath, status: res.statusCode }));
      await handleApi(req, res, method, apiPath, url.searchParams);
    };
    run().catch((err: unknown) => {
      if (isDiscordHttpError(err)) send(res, err.status, err.body());
      else if (
        err instanceof SandboxUsageError ||
        err instanceof JoinRejectedError ||
        err instanceof TraceFormatError
      ) {
        send(res, 400, { message: err.message, code: 0 });
      } else {
        options.log?.(
          `http: ${method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        send(res, 500, { message: '500: Internal Server Error', code: 0 });
      }
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname.replace(/\/+$/, '');
    if (path === '/gateway' || path === '') gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
