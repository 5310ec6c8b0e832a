import { listLockdowns, readLockdown } from '@chat-guard/enforcer';
import { lockdownAnswer } from '@chat-guard/events';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { z } from 'zod';
import { scoreHistory } from '../scoreHistory.ts';
import { snowflakeAt } from '../snowflakes.ts';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';

/** How much of the score before and after a lockdown its timeline shows. */
const SCORE_MARGIN_MS = 10 * 60_000;

const answerBody = z.strictObject({ answer: lockdownAnswer, guildId: z.string().optional() });

/** Confirming a raid also bans or kicks: the same extra permission the alert's buttons ask for. */
export function missingPermission(
  answer: z.infer<typeof lockdownAnswer>,
  permissions: bigint,
): string | null {
  if (permissions & PermissionFlagsBits.Administrator) return null;
  if (answer === 'confirm-ban' && !(permissions & PermissionFlagsBits.BanMembers)) return 'Ban Members';
  if (answer === 'confirm-kick' && !(permissions & PermissionFlagsBits.KickMembers)) return 'Kick Members';
  return null;
}

/** Lockdown history, and the alert's answers (lift, confirm, false alarm, extend) as the buttons give them. */
export function lockdownRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);

  app.get('/:guildId/lockdowns', async (c) => {
    const rows = await listLockdowns(deps.db, c.get('guild').id, 50);
    return c.json({
      lockdowns: rows.map((r) => ({
        id: r.id,
        status: r.status,
        shadow: r.shadow,
        score: r.score,
        reasons: r.reasons,
        features: r.features,
        steps: r.steps,
        quarantined: r.quarantined.length,
        startedAt: r.started_at.getTime(),
        startedBy: r.started_by,
        liftedAt: r.lifted_at?.getTime() ?? null,
        liftedBy: r.lifted_by,
      })),
    });
  });

  // The score before, during and after a lockdown (while the stream still holds it: a day).
  app.get('/:guildId/lockdowns/:lockdownId/scores', async (c) => {
    const guild = c.get('guild');
    const row = await readLockdown(deps.db, c.req.param('lockdownId'));
    if (!row || row.guild_id !== guild.id)
      return c.json({ error: 'not-found', message: 'No such lockdown in this server.' }, 404);
    const from = row.started_at.getTime() - SCORE_MARGIN_MS;
    const to = (row.lifted_at?.getTime() ?? deps.now()) + SCORE_MARGIN_MS;
    return c.json({ from, to, scores: await scoreHistory(deps.bus, guild.id, from, to) });
  });

  app.post('/:guildId/lockdowns/:lockdownId/answer', async (c) => {
    const guild = c.get('guild');
    const parsed = answerBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json(
        {
          error: 'invalid',
          errors: [{ field: 'answer', message: parsed.error.issues[0]?.message ?? 'invalid' }],
        },
        422,
      );
    const missing = missingPermission(parsed.data.answer, c.get('permissions'));
    if (missing) return c.json({ error: 'forbidden', message: `That answer needs ${missing} as well.` }, 403);
    const lockdownId = c.req.param('lockdownId');
    const row = await readLockdown(deps.db, lockdownId);
    if (!row || row.guild_id !== guild.id)
      return c.json({ error: 'not-found', message: 'No such lockdown in this server.' }, 404);
    if (row.status !== 'active')
      return c.json({ error: 'conflict', message: 'This lockdown was already lifted.' }, 409);
    const now = deps.now();
    await deps.bus.publish('lockdown.answered', {
      guildId: guild.id,
      lockdownId,
      answer: parsed.data.answer,
      moderatorId: c.get('session').userId,
      requestId: snowflakeAt(now),
      answeredAt: now,
    });
    return c.json({ ok: true, answer: parsed.data.answer }, 202);
  });
  return app;
}
