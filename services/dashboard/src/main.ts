import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDiscordRest } from '@chat-guard/discord';
import { runService } from '@chat-guard/runtime';
import { serve } from '@hono/node-server';
import { authorizeUrlFor, dashboardEnv } from './dashboardEnv.ts';
import { LEASE_MS, LiveHub } from './liveHub.ts';
import { SessionStore } from './sessionStore.ts';
import { UserNames } from './userNames.ts';
import { createWebApp } from './webApp.ts';

// From services/dashboard/src/main.ts and from dist/services/dashboard/main.mjs alike, three
// levels up is the repository (or the image's root), where `npm run build` puts the front end.
const builtFrontEnd = fileURLToPath(new URL('../../../dist/dashboard-web', import.meta.url));

await runService({
  name: 'dashboard',
  defaultHttpPort: 8088,
  env: dashboardEnv,
  needs: { postgres: true, redis: true },
  async start({ env, bus, postgres, redis, logger, onShutdown }) {
    const staticDir = env.DASHBOARD_STATIC_DIR ?? builtFrontEnd;
    if (!existsSync(`${staticDir}/index.html`))
      logger.warn({ staticDir }, 'no built front end here (run `npm run build`): serving the API only');
    const ended = bus.ns.subject('dashboard.session.ended');
    const live = new LiveHub(redis, env.DASHBOARD_SSE_PER_USER, (sessionId) =>
      bus.nc.publish(ended, sessionId),
    );
    // Open views keep their leases; a lease not renewed (this replica gone) frees its slot.
    const renewing = setInterval(() => {
      live.renew().catch((err: unknown) => logger.error({ err }, 'could not renew the live views’ leases'));
    }, LEASE_MS / 3);
    bus.nc.subscribe(ended, { callback: (_err, msg) => live.closeLocal(msg.string()) });
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const app = createWebApp({
      sessions: new SessionStore(redis, env.DASHBOARD_SESSION_HOURS * 3600),
      oauth: {
        clientId: env.DISCORD_CLIENT_ID,
        clientSecret: env.DISCORD_CLIENT_SECRET,
        redirectUri: `${env.DASHBOARD_PUBLIC_URL}/auth/callback`,
        authorizeUrl: authorizeUrlFor(env),
        api: env.DISCORD_API_URL,
      },
      botRest: discord.rest,
      discord,
      db: postgres.db,
      redis,
      bus,
      live,
      names: new UserNames(discord.rest),
      publicOrigin: new URL(env.DASHBOARD_PUBLIC_URL).origin,
      staticDir: existsSync(`${staticDir}/index.html`) ? staticDir : null,
      now: Date.now,
      onError: (err, where) => logger.error({ err, where }, 'request failed'),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: env.HTTP_HOST, port: env.DASHBOARD_PORT }, (info) => {
        logger.info({ port: info.port, url: env.DASHBOARD_PUBLIC_URL }, 'dashboard listening');
        resolve(s);
      });
    });
    onShutdown(async () => {
      clearInterval(renewing);
      live.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  },
});
