import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { FaultSwitches, type ServerErrorOptions, type StormOptions } from './faults.ts';
import { GatewayServer } from './gatewayServer.ts';
import { describeGuild, type GuildInfo } from './guildInfo.ts';
import { type GuildSpec, seedState } from './guildSeed.ts';
import { createSandboxHttpServer } from './httpServer.ts';
import { type ActionFilter, ActionLog, type BotAction, type RestCall, RestCallLog } from './inspection.ts';
import { inspectionHandler } from './inspectionHttp.ts';
import { InteractionActions } from './interactions.ts';
import { SandboxOAuth } from './oauth.ts';
import { RestRouter } from './restRouter.ts';
import { dmRoutes } from './routes/dmRoutes.ts';
import { guildRoutes } from './routes/guildRoutes.ts';
import { interactionRoutes } from './routes/interactionRoutes.ts';
import { inviteRoutes } from './routes/inviteRoutes.ts';
import { memberRoutes } from './routes/memberRoutes.ts';
import { type MemberSearchMode, memberSearchRoutes } from './routes/memberSearchRoutes.ts';
import { messageRoutes } from './routes/messageRoutes.ts';
import { metaRoutes } from './routes/metaRoutes.ts';
import { oauthRoutes } from './routes/oauthRoutes.ts';
import { roleRoutes } from './routes/roleRoutes.ts';
import { type SandboxActions, sandboxActions } from './sandboxActions.ts';
import { SandboxCore } from './sandboxCore.ts';
import type { SandboxState } from './sandboxState.ts';
import { SnowflakeFactory } from './snowflake.ts';
import { TrafficControl } from './trafficControl.ts';
import { UserActions } from './userActions.ts';

export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** How many guilds to seed (default 2), or one spec per guild. */
  readonly guilds?: number | readonly GuildSpec[];
  /** Seeds ids, names, the token and invite codes (default 1). */
  readonly seed?: number;
  /** The bot token clients must present; made from the seed if absent. */
  readonly token?: string;
  /** Shard count `GET /gateway/bot` recommends (default 1). */
  readonly recommendedShards?: number;
  /** `session_start_limit.max_concurrency` (default 16, so shards identify without waiting). */
  readonly maxConcurrency?: number;
  readonly heartbeatIntervalMs?: number;
  /** Enforce per-route and global rate limits (default true). */
  readonly rateLimits?: boolean;
  readonly globalRequestsPerSecond?: number;
  /** The clock the sandbox stamps things with (default Date.now). */
  readonly now?: () => number;
  /** How long an interaction may wait for its first answer before 10062 (default 3000 ms, as Discord). */
  readonly interactionResponseWindowMs?: number;
  /** Messages kept per guild before the oldest are forgotten (default 20,000). */
  readonly maxMessagesPerGuild?: number;
  /** Where the sandbox reports what it does; it never writes to the console itself. */
  readonly log?: (message: string) => void;
  /** OAuth2 redirect URIs registered for the application (more with `oauth.registerRedirect`). */
  readonly oauthRedirectUris?: readonly string[];
}

/** A running sandbox and everything a test needs to drive and inspect it. */
export interface Sandbox {
  /** The base to give discord.js: `rest: { api }`. */
  readonly api: string;
  readonly gatewayUrl: string;
  readonly port: number;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guilds: readonly string[];
  readonly state: SandboxState;
  readonly core: SandboxCore;
  /** Simulated users and Discord: messages, joins, leaves, invites, slash commands, button clicks, new guilds. */
  readonly actions: SandboxActions;
  /** The application's OAuth2 side, as a web app that signs users in sees it. */
  readonly oauth: {
    readonly clientId: string;
    readonly clientSecret: string;
    /** The consent page: Discord's `https://discord.com/oauth2/authorize`. */
    readonly authorizeUrl: string;
    registerRedirect(uri: string): void;
    /** Ends every access token of a user (what deauthorizing the app does). */
    revokeUser(userId: string): void;
  };
  /** The user half of `actions` (messages, joins, leaves, invites, vanity URL). */
  readonly users: UserActions;
  /** The interaction half of `actions` (slash commands, button clicks). */
  readonly interactions: InteractionActions;
  /** What the bot did. */
  readonly inspect: {
    actions(filter?: ActionFilter): BotAction[];
    waitFor(filter: ActionFilter, timeoutMs?: number): Promise<BotAction>;
    guild(guildId: string): GuildInfo;
    gatewaySessions(): number;
    /** Every REST request of the bot at or after `since` (ms), with its status: 429s and 404s too. */
    restCalls(since?: number): RestCall[];
  };
  readonly faults: {
    rateLimitStorm(share: number, options?: StormOptions): void;
    serverErrors(share: number, options?: ServerErrorOptions): void;
    latency(ms: number, share?: number, options?: { times?: number }): void;
    clear(): void;
    /** Cuts every gateway connection without a close frame; clients resume. */
    dropGatewayConnections(): number;
    /** Sends op 7 Reconnect; clients reconnect and resume. */
    requestReconnect(): void;
    /** Forgets every gateway session (cutting open connections): a RESUME gets op 9 `d: false`. */
    invalidateGatewaySessions(): number;
    /** How the member search answers: `normal`, `refuse` (403), `indexing` (202) or `changed` (a new shape). */
    memberSearch(mode: MemberSearchMode): void;
  };
  /** Seeded traffic for this sandbox's guilds, and playback of traces into it (stopped by close()). */
  readonly traffic: TrafficControl;
  close(): Promise<void>;
}

/** Starts the sandbox's HTTP API and gateway on one port, with seeded guilds. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const specs =
    typeof options.guilds === 'object'
      ? options.guilds
      : Array.from({ length: options.guilds ?? 2 }, () => ({}));
  const state = seedState(seed, specs, options.token);
  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const gatewayUrl = (): string => `ws://${host}:${port}/gateway`;
  const actionLog = new ActionLog(now);
  const restCalls = new RestCallLog(now);
  const gateway = new GatewayServer({
    state,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    url: gatewayUrl,
    ...(options.log ? { log: options.log } : {}),
  });
  const core = new SandboxCore(
    state,
    now,
    new SnowflakeFactory(now),
    gateway,
    actionLog,
    seed,
    options.maxMessagesPerGuild,
  );
  if (options.interactionResponseWindowMs !== undefined)
    core.interactionWindowMs = options.interactionResponseWindowMs;
  const faultSwitches = new FaultSwitches(seed);
  const oauth = new SandboxOAuth(
    state,
    createHash('sha256').update(`client-secret:${state.token}`).digest('base64url').slice(0, 32),
    new Set(options.oauthRedirectUris ?? []),
    now,
  );
  const router = new RestRouter([
    ...oauthRoutes(oauth),
    ...metaRoutes({
      url: gatewayUrl,
      shards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
    }),
    ...messageRoutes,
    ...memberRoutes,
    ...memberSearchRoutes,
    ...roleRoutes,
    ...dmRoutes,
    ...inviteRoutes,
    ...guildRoutes,
    ...interactionRoutes,
  ]);
  const users = new UserActions(core);
  const interactions = new InteractionActions(core);
  const traffic = new TrafficControl(core, users, seed);
  const faults: Sandbox['faults'] = {
    rateLimitStorm: (share, o) => faultSwitches.rateLimitStorm(share, o),
    serverErrors: (share, o) => faultSwitches.serverErrors(share, o),
    latency: (ms, share, o) => faultSwitches.latency(ms, share, o),
    clear: () => {
      faultSwitches.clear();
      core.memberSearchMode = 'normal';
    },
    dropGatewayConnections: () => gateway.dropConnections(),
    requestReconnect: () => gateway.requestReconnect(),
    invalidateGatewaySessions: () => gateway.invalidateSessions(),
    memberSearch: (mode) => {
      core.memberSearchMode = mode;
    },
  };
  const server = createSandboxHttpServer({
    core,
    restCalls,
    router,
    gateway,
    faults: faultSwitches,
    inspection: inspectionHandler({
      core,
      users,
      interactions,
      faults,
      traffic,
      describe: () => ({ ...faultSwitches.describe(), memberSearch: core.memberSearchMode }),
      ...(options.log ? { log: options.log } : {}),
    }),
    oauth,
    globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50,
    enforceRateLimits: options.rateLimits ?? true,
    ...(options.log ? { log: options.log } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    api: `http://${host}:${port}/api`,
    gatewayUrl: gatewayUrl(),
    port,
    token: state.token,
    applicationId: state.application.id,
    botUserId: state.botUserId,
    get guilds() {
      return Object.keys(state.guilds);
    },
    state,
    core,
    oauth: {
      clientId: state.application.id,
      clientSecret: oauth.clientSecret,
      authorizeUrl: `http://${host}:${port}/oauth2/authorize`,
      registerRedirect: (uri) => oauth.redirectUris.add(uri),
      revokeUser: (userId) => oauth.revokeUser(userId),
    },
    actions: sandboxActions(core, users, interactions),
    users,
    interactions,
    inspect: {
      actions: (filter) => actionLog.list(filter),
      waitFor: (filter, timeoutMs) => actionLog.waitFor(filter, timeoutMs),
      guild: (guildId) => describeGuild(core.guild(guildId), state.botUserId),
      gatewaySessions: () => gateway.sessions().filter((s) => s.socket !== null).length,
      restCalls: (since) => restCalls.list(since),
    },
    faults,
    traffic,
    async close() {
      await traffic.stopAll();
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
