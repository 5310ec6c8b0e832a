import { createHash } from 'node:crypto';
import type { PermissionFlagsBits } from 'discord-api-types/v10';
import type { z } from 'zod';
import { DiscordHttpError, invalidFormBody, missingAccess, missingPermissions } from './errors.ts';
import { basePermissions, bits, channelPermissions } from './permissions.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxChannel, SandboxGuild } from './sandboxState.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route bucket's size: `limit` requests per `windowMs` for each major parameter. */
export interface BucketSpec {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RestRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** The `X-Audit-Log-Reason` header, decoded. */
  readonly reason: string | null;
  /** The `Authorization` header: a bot token, or an OAuth bearer token on `auth: 'oauth'` routes. */
  readonly authorization: string | null;
}

export interface RestResult {
  readonly status: number;
  readonly body?: unknown;
}

export interface RouteDef {
  readonly method: HttpMethod;
  /** Path after `/api/v10`, with `:name` parameters. */
  readonly path: string;
  /**
   * Interaction callbacks and webhooks are called with their token, not the bot's (`false`);
   * `oauth` routes also take a user's bearer token and check it themselves.
   */
  readonly auth?: false | 'oauth';
  readonly bucket?: BucketSpec;
  handle(req: RestRequest, core: SandboxCore): RestResult | Promise<RestResult>;
}

export interface MatchedRoute {
  readonly route: RouteDef;
  readonly params: Readonly<Record<string, string>>;
  /** The rate-limit bucket hash Discord would send for this route. */
  readonly bucketHash: string;
  /** The bucket key: the hash plus the major parameter (channel, guild, webhook or interaction). */
  readonly bucketKey: string;
}

export const DEFAULT_BUCKET: BucketSpec = { limit: 50, windowMs: 1000 };
const MAJOR_PARAMS = ['channelId', 'guildId', 'webhookToken', 'interactionId'] as const;

/** Routes compiled for matching by method and path. */
export class RestRouter {
  readonly #compiled: { route: RouteDef; regex: RegExp; names: string[]; hash: string }[];

  constructor(routes: readonly RouteDef[]) {
    this.#compiled = routes.map((route) => {
      const names: string[] = [];
      const pattern = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const hash = createHash('sha1').update(`${route.method} ${route.path}`).digest('hex').slice(0, 32);
      return { route, regex: new RegExp(`^${pattern}/?$`), names, hash };
    });
  }

  /** The route for a method and a path below `/api/v10`, or null (with whether the path exists for another method). */
  match(method: string, rawPath: string): MatchedRoute | { pathExists: boolean } {
    // Clients may escape the `@` of `@me` (@discordjs/rest does); Discord reads both spellings.
    const path = rawPath.replace(/%40/gi, '@');
    let pathExists = false;
    for (const { route, regex, names, hash } of this.#compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        pathExists = true;
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      const major = MAJOR_PARAMS.map((p) => params[p]).find((v) => v !== undefined) ?? 'global';
      return { route, params, bucketHash: hash, bucketKey: `${hash}:${major}` };
    }
    return { pathExists };
  }
}

/** A path parameter the route declares. */
export function param(req: RestRequest, name: string): string {
  const value = req.params[name];
  if (value === undefined) throw new Error(`route has no parameter ${name}`);
  return value;
}

/** The body validated by a zod schema, or 400 50035 naming the first bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '_root';
  throw invalidFormBody(field, 'BASE_TYPE_INVALID', issue?.message ?? 'Invalid Form Body');
}

type Flag = keyof typeof PermissionFlagsBits;

/** Throws 403 50013 unless the bot has every flag in the guild. */
export function requireGuildPermissions(core: SandboxCore, guild: SandboxGuild, ...flags: Flag[]): void {
  const needed = bits(...flags);
  if ((basePermissions(guild, core.state.botUserId) & needed) !== needed) throw missingPermissions();
}

/** Throws 403 50001 if the bot cannot see the channel, 403 50013 unless it has every flag there. */
export function requireChannelPermissions(
  core: SandboxCore,
  guild: SandboxGuild,
  channel: SandboxChannel,
  ...flags: Flag[]
): void {
  const perms = channelPermissions(guild, channel, core.state.botUserId);
  if (perms === 0n) throw missingAccess();
  const needed = bits(...flags);
  if ((perms & needed) !== needed) throw missingPermissions();
}

/** 204 No Content. */
export const noContent: RestResult = { status: 204 };

/** 200 with a JSON body. */
export function ok(body: unknown): RestResult {
  return { status: 200, body };
}

/** A 400 with a Discord error code that is not a form error. */
export function badRequest(code: number, message: string): DiscordHttpError {
  return new DiscordHttpError(400, code, message);
}
