import { discordEnv } from '@chat-guard/runtime';
import { z } from 'zod';

/** The dashboard's environment: the bot's REST access (for the live permission check) and the OAuth2 app. */
export const dashboardEnv = discordEnv.extend({
  /** The web UI's port (the ops port, HTTP_PORT, serves /healthz and /metrics). */
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65_535).default(8091),
  /** Where browsers reach the dashboard: the OAuth2 redirect is `<this>/auth/callback`. */
  DASHBOARD_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:8091')
    .transform((url) => url.replace(/\/+$/, '')),
  DISCORD_CLIENT_ID: z.string({ error: 'is required: the OAuth2 application id' }).regex(/^\d{1,20}$/),
  DISCORD_CLIENT_SECRET: z.string({ error: 'is required: the OAuth2 client secret' }).min(1),
  /** Discord's consent page; the sandbox's is `http://127.0.0.1:<port>/oauth2/authorize`. */
  DISCORD_AUTHORIZE_URL: z.url().optional(),
  DASHBOARD_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Live connections (SSE) one user may hold at once. */
  DASHBOARD_SSE_PER_USER: z.coerce.number().int().min(1).max(50).default(4),
  /** The built front end (`npm run build`); defaults to dist/dashboard-web in the repository or image. */
  DASHBOARD_STATIC_DIR: z.string().optional(),
});

export type DashboardEnv = z.infer<typeof dashboardEnv>;

/** Discord's consent page for an API base: `https://discord.com/api` → `https://discord.com/oauth2/authorize`. */
export function authorizeUrlFor(
  env: Pick<DashboardEnv, 'DISCORD_API_URL' | 'DISCORD_AUTHORIZE_URL'>,
): string {
  return env.DISCORD_AUTHORIZE_URL ?? env.DISCORD_API_URL.replace(/\/api$/, '/oauth2/authorize');
}
