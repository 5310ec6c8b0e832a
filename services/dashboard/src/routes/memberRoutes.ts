import { searchMemberJoins } from '@chat-guard/campaigns';
import { memberCases } from '@chat-guard/enforcer';
import { browseAuditLog } from '@chat-guard/log-writer';
import { memberVerifications } from '@chat-guard/verifier';
import { z } from 'zod';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';

const search = z.strictObject({ q: z.string().trim().min(2).max(40) });

/** Member search, and one member's joins and leaves, invite, cases and every audited action. */
export function memberRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);

  app.get('/:guildId/members', async (c) => {
    const parsed = search.safeParse(c.req.query());
    if (!parsed.success)
      return c.json(
        { error: 'invalid', errors: [{ field: 'q', message: 'an id, or 2 to 40 characters of a name' }] },
        400,
      );
    const joins = await searchMemberJoins(deps.db, c.get('guild').id, parsed.data.q, 200);
    const members = new Map<string, { userId: string; username: string | null; lastJoinedAt: Date }>();
    for (const j of joins)
      if (!members.has(j.userId))
        members.set(j.userId, { userId: j.userId, username: j.username, lastJoinedAt: j.joinedAt });
    return c.json({ members: [...members.values()].slice(0, 25) });
  });

  app.get('/:guildId/members/:userId', async (c) => {
    const guildId = c.get('guild').id;
    const userId = c.req.param('userId');
    if (!/^\d{1,20}$/.test(userId))
      return c.json({ error: 'invalid', errors: [{ field: 'userId', message: 'not an id' }] }, 400);
    const [joins, cases, actions, verifications] = await Promise.all([
      searchMemberJoins(deps.db, guildId, userId, 100),
      memberCases(deps.db, guildId, userId, { page: 1, size: 100 }),
      browseAuditLog(deps.db, guildId, { targetId: userId, limit: 200 }),
      memberVerifications(deps.db, guildId, userId),
    ]);
    // Who invited them and who acted on them, by name (the member's own name too).
    const names = await deps.names.of([
      userId,
      ...joins.map((j) => j.inviterId),
      ...cases.cases.map((k) => k.actor_id),
      ...actions.map((a) => a.actorId),
    ]);
    return c.json({
      userId,
      joins,
      verifications,
      cases: cases.cases,
      casesTotal: cases.total,
      actions,
      names,
    });
  });
  return app;
}
