import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { POW_JS, STYLE_CSS } from './pageAssets.ts';
import { challengeMedia, type PageDeps, type PageReply, showChallenge, submitAnswer } from './verifyFlow.ts';
import { resultPage } from './verifyPage.ts';

/** The largest form body accepted: an answer and a proof of work fit in far less. */
export const MAX_FORM_BYTES = 4096;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

class BodyTooLarge extends Error {}

export interface WebServerOptions {
  readonly host: string;
  readonly port: number;
  /** Take the client's address from the last X-Forwarded-For entry (behind one trusted proxy). */
  readonly trustProxy: boolean;
  readonly onError: (err: unknown, what: string) => void;
}

/** The public verify page: its routes, its headers, its limits. */
export async function startWebServer(
  deps: PageDeps,
  options: WebServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    route(deps, options, req)
      .catch((err: unknown) => {
        if (err instanceof BodyTooLarge) return page('too-large');
        options.onError(err, `${req.method} ${req.url?.split('/')[1] ?? ''}`);
        return page('unavailable');
      })
      .then(
        (reply) => send(res, reply),
        (err: unknown) => options.onError(err, 'answering'),
      );
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function page(kind: Parameters<typeof resultPage>[0]): PageReply {
  const result = resultPage(kind);
  return { status: result.status, type: 'text/html; charset=utf-8', body: result.html };
}

async function route(deps: PageDeps, options: WebServerOptions, req: IncomingMessage): Promise<PageReply> {
  const path = new URL(req.url ?? '/', 'http://verifier').pathname;
  if (req.method === 'GET' && path === '/verify/assets/style.css')
    return { status: 200, type: 'text/css; charset=utf-8', body: STYLE_CSS };
  if (req.method === 'GET' && path === '/verify/assets/pow.js')
    return { status: 200, type: 'text/javascript; charset=utf-8', body: POW_JS };
  const match = /^\/verify\/([A-Za-z0-9_.-]{1,512})(\/image\.png|\/audio\.wav)?$/.exec(path);
  if (!match?.[1]) return { status: 404, type: 'text/plain; charset=utf-8', body: 'Not found' };
  const token = match[1];
  if (req.method === 'GET' && match[2] === '/image.png') return challengeMedia(deps, token, 'png');
  if (req.method === 'GET' && match[2] === '/audio.wav') return challengeMedia(deps, token, 'wav');
  if (req.method === 'GET' && !match[2]) return showChallenge(deps, token);
  if (req.method === 'POST' && !match[2]) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume();
      return page('bad-form');
    }
    const form = new URLSearchParams(await readBody(req));
    const fields: Record<string, string> = {};
    for (const [name, value] of form) {
      if (name in fields) return page('bad-form');
      fields[name] = value;
    }
    return submitAnswer(deps, token, fields, clientAddress(req, options.trustProxy));
  }
  return { status: 405, type: 'text/plain; charset=utf-8', body: 'Method not allowed' };
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_FORM_BYTES) {
    req.resume();
    throw new BodyTooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) {
      req.resume();
      throw new BodyTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: PageReply): void {
  res.writeHead(reply.status, { ...SECURITY_HEADERS, 'content-type': reply.type });
  res.end(reply.body);
}
