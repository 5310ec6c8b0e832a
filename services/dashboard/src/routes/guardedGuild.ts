import { Hono } from 'hono';
import { isGuildAccessDenied, requireManager } from '../guildAccess.ts';
import type { AppEnv, DashboardDeps } from '../webApp.ts';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A router for `/:guildId/...` whose every request is checked against the bot's live view:
 * the bot is in the guild and the user holds Manage Server there now. A change whose JSON body
 * names another guild is refused too.
 */
export function guardedGuild(deps: DashboardDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/:guildId/*', async (c, next) => {
    const guildId = c.req.param('guildId');
    try {
      const { guild, permissions } = await requireManager(deps.botRest, guildId, c.get('session').userId);
      c.set('guild', guild);
      c.set('permissions', permissions);
    } catch (err) {
      if (isGuildAccessDenied(err))
        return c.json(
          { error: 'forbidden', reason: err.reason, message: 'You do not manage this server.' },
          403,
        );
      throw err;
    }
    if (CHANGES.has(c.req.method) && c.req.header('content-type')?.startsWith('application/json')) {
      const body = await c.req.json().catch(() => null);
      const named = body && typeof body === 'object' ? (body as { guildId?: unknown }).guildId : undefined;
      if (named !== undefined && named !== guildId)
        return c.json({ error: 'forbidden', message: 'The request names another server.' }, 403);
    }
    await next();
  });
  return app;
}
