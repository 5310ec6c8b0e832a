import {
  type AuditFilter,
  browseAuditLog,
  type HashedAuditEntry,
  verifyGuildChain,
} from '@chat-guard/log-writer';
import { z } from 'zod';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';

const snowflake = z.string().regex(/^\d{1,20}$/);
const auditQuery = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]*)*$/)
    .max(100)
    .optional(),
  member: snowflake.optional(),
  moderator: z.string().min(1).max(40).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  format: z.enum(['csv', 'json']).optional(),
});

const EXPORT_MAX = 10_000;

function filterOf(query: z.infer<typeof auditQuery>, limit: number): AuditFilter {
  return {
    limit,
    ...(query.action ? { action: query.action } : {}),
    ...(query.member ? { targetId: query.member } : {}),
    ...(query.moderator ? { actorId: query.moderator } : {}),
    ...(query.before ? { beforeSeq: query.before } : {}),
  };
}

const csvCell = (value: unknown): string => {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote every cell, and defuse spreadsheet formulas.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
};

/** The audit chain as CSV, one entry a line. */
export function auditCsv(entries: readonly HashedAuditEntry[]): string {
  const columns = [
    'seq',
    'at',
    'action',
    'actorId',
    'targetId',
    'reason',
    'details',
    'prevHash',
    'hash',
  ] as const;
  const lines = entries.map((e) => columns.map((col) => csvCell(e[col])).join(','));
  return `${columns.join(',')}\n${lines.join('\n')}\n`;
}

/** The guild's hash chain: paged and filtered, verified on demand, exported. */
export function auditRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);

  app.get('/:guildId/audit', async (c) => {
    const query = auditQuery.safeParse(c.req.query());
    if (!query.success)
      return c.json(
        {
          error: 'invalid',
          errors: query.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        },
        400,
      );
    const entries = await browseAuditLog(deps.db, c.get('guild').id, filterOf(query.data, query.data.limit));
    const last = entries.at(-1);
    const names = await deps.names.of(entries.flatMap((e) => [e.actorId, e.targetId]));
    return c.json({
      entries,
      names,
      nextBefore: entries.length === query.data.limit && last ? last.seq : null,
    });
  });

  // The same walk as `chat-guard audit verify`.
  app.post('/:guildId/audit/verify', async (c) => {
    const report = await verifyGuildChain(deps.db, c.get('guild').id);
    return c.json({
      ok: report.problem === undefined,
      checked: report.checked,
      anchorSeq: report.anchorSeq,
      problem: report.problem ?? null,
      verifiedAt: deps.now(),
    });
  });

  app.get('/:guildId/audit/export', async (c) => {
    const query = auditQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ error: 'invalid', message: query.error.issues[0]?.message }, 400);
    const guildId = c.get('guild').id;
    const entries = await browseAuditLog(deps.db, guildId, filterOf(query.data, EXPORT_MAX));
    const format = query.data.format ?? 'json';
    c.header('Content-Disposition', `attachment; filename="audit-${guildId}.${format}"`);
    if (format === 'csv')
      return c.body(auditCsv(entries), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    return c.json(entries);
  });
  return app;
}
