import { dropOffs } from '@chat-guard/campaigns';
import { listLockdowns } from '@chat-guard/enforcer';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { readLockdownState } from '@chat-guard/store';
import { gateStatus } from '@chat-guard/verifier';
import { canManage, isGuildAccessDenied, requireManager } from '../guildAccess.ts';
import { DiscordOAuthError, fetchUserGuilds } from '../oauthClient.ts';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';

const DAY_MS = 86_400_000;

/** The guilds the user may manage, and each one's overview. */
export function guildRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);

  // Discord's list says where the user was a manager at sign-in; the bot's live view decides.
  app.get('/', async (c) => {
    const session = c.get('session');
    let listed: Awaited<ReturnType<typeof fetchUserGuilds>>;
    try {
      listed = await fetchUserGuilds(deps.oauth.api, session.accessToken);
    } catch (err) {
      if (err instanceof DiscordOAuthError && err.status === 401)
        return c.json(
          { error: 'unauthenticated', message: 'Discord ended the sign-in; sign in again.' },
          401,
        );
      throw err;
    }
    const candidates = listed.filter((g) => g.owner || canManage(BigInt(g.permissions)));
    const guilds: { id: string; name: string }[] = [];
    for (const g of candidates) {
      try {
        const { guild } = await requireManager(deps.botRest, g.id, session.userId);
        guilds.push({ id: guild.id, name: guild.name });
      } catch (err) {
        if (!isGuildAccessDenied(err)) throw err;
      }
    }
    return c.json({ guilds });
  });

  app.get('/:guildId/overview', async (c) => {
    const guild = c.get('guild');
    const now = deps.now();
    const [{ config }, state, lockdowns, drops, gate] = await Promise.all([
      loadGuildConfig(deps.db, guild.id),
      readLockdownState(deps.redis, guild.id),
      listLockdowns(deps.db, guild.id, 1),
      dropOffs(deps.db, guild.id, new Date(now - DAY_MS), 24),
      // The member gate's last day, read through the verifier's own query (it owns the tables).
      gateStatus(deps.db, guild.id, 1),
    ]);
    const latest = lockdowns[0];
    const active = latest?.status === 'active' ? latest : undefined;
    return c.json({
      guild: { id: guild.id, name: guild.name },
      modes: { lockdown: config.lockdown.mode, gate: config.gate.mode },
      lockdown: active
        ? {
            id: active.id,
            score: active.score,
            reasons: active.reasons,
            startedAt: active.started_at.getTime(),
            shadow: active.shadow,
          }
        : null,
      suppressedUntil: state.suppressedUntil,
      dropOffs: {
        joinsLastDay: drops.joins,
        leftWithinDay: drops.leftWithinWindow,
        gatedLastDay: gate.gated,
        neverVerified: gate.dropOff,
        waiting: gate.pending,
      },
    });
  });
  return app;
}
