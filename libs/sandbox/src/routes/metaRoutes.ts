import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { unknown } from '../errors.ts';
import { apiUser, userOf } from '../payloads.ts';
import { ok, param, type RouteDef } from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';

export interface GatewayInfo {
  readonly url: () => string;
  readonly shards: number;
  readonly maxConcurrency: number;
}

function application(core: SandboxCore): Record<string, unknown> {
  const { application, botUserId } = core.state;
  return {
    id: application.id,
    name: application.name,
    icon: null,
    description: 'Chat Guard moderation bot (sandbox)',
    summary: '',
    type: null,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: application.flags,
    team: null,
    owner: apiUser(userOf(core.state, Object.values(core.state.guilds)[0]?.ownerId ?? botUserId)),
    bot: apiUser(userOf(core.state, botUserId)),
    approximate_guild_count: Object.keys(core.state.guilds).length,
    interactions_endpoint_url: null,
    redirect_uris: [],
    tags: [],
  };
}

/** Gateway discovery, users and the application (`/users/@me` is with the OAuth routes). */
export function metaRoutes(gateway: GatewayInfo): RouteDef[] {
  return [
    { method: 'GET', path: '/gateway', auth: false, handle: () => ok({ url: gateway.url() }) },
    {
      method: 'GET',
      path: '/gateway/bot',
      handle: () =>
        ok({
          url: gateway.url(),
          shards: gateway.shards,
          session_start_limit: {
            total: 1000,
            remaining: 1000,
            reset_after: 86_400_000,
            max_concurrency: gateway.maxConcurrency,
          },
        }),
    },
    {
      method: 'GET',
      path: '/users/:userId',
      handle(req, core) {
        const user = core.state.users[param(req, 'userId')];
        if (!user) throw unknown(RESTJSONErrorCodes.UnknownUser);
        return ok(apiUser(user));
      },
    },
    { method: 'GET', path: '/applications/@me', handle: (_req, core) => ok(application(core)) },
    { method: 'GET', path: '/oauth2/applications/@me', handle: (_req, core) => ok(application(core)) },
  ];
}
