import type { EventBus } from '@chat-guard/bus';
import { configChanged, defaultGuildConfig, type GuildConfig, guildConfigSchema } from '@chat-guard/events';
import type { Database, PendingAnnouncement } from '@chat-guard/store';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { type Kysely, sql } from 'kysely';
import { configFromRow, rowFromConfig } from './configRows.ts';

export interface StoredGuildConfig {
  readonly config: GuildConfig;
  readonly revision: number;
}

/** A guild's configuration from the system of record; defaults at revision 0 for a new guild. */
export async function loadGuildConfig(db: Kysely<Database>, guildId: string): Promise<StoredGuildConfig> {
  const row = await db
    .selectFrom('guild_config')
    .selectAll()
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
  return row
    ? { config: configFromRow(row), revision: row.revision }
    : { config: defaultGuildConfig(), revision: 0 };
}

/** Field by field, what a change did, in words for the audit log. */
export function describeChanges(before: GuildConfig, after: GuildConfig): string[] {
  return describeFields('', before, after);
}

/** A webhook address can carry a token in its path or query: the audit log shows its origin only. */
const SECRET_FIELDS = new Set(['lockdown.webhookUrl']);

function shown(path: string, value: unknown): string {
  if (SECRET_FIELDS.has(path) && typeof value === 'string') {
    try {
      return JSON.stringify(`${new URL(value).origin}/…`);
    } catch {
      return '"…"';
    }
  }
  return JSON.stringify(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describeFields(prefix: string, before: unknown, after: unknown): string[] {
  if (!isRecord(before) || !isRecord(after)) return [];
  const changes: string[] = [];
  for (const key of Object.keys(after)) {
    const path = `${prefix}${key}`;
    const was = before[key];
    const now = after[key];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    // Nested settings (the lockdown profile) are told field by field.
    if (isRecord(was) && isRecord(now)) changes.push(...describeFields(`${path}.`, was, now));
    else changes.push(`${path}: ${shown(path, was)} → ${shown(path, now)}`);
  }
  return changes;
}

export interface ConfigUpdate {
  readonly before: GuildConfig;
  readonly after: GuildConfig;
  readonly revision: number;
  readonly changes: string[];
}

/**
 * Applies a change to a guild's configuration in one transaction (the row is locked, so
 * concurrent changes apply one after the other), validating the result with the schema.
 */
export async function updateGuildConfig(
  db: Kysely<Database>,
  guildId: string,
  change: (current: GuildConfig) => Partial<GuildConfig>,
  actorId: string,
  /** Queue the change's announcement and audit entry in the same transaction (`announcePending` sends them). */
  audit?: { readonly reason: string; readonly at: number },
): Promise<ConfigUpdate> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('guild_config')
      .values({ guild_id: guildId, revision: 0 })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await trx
      .selectFrom('guild_config')
      .selectAll()
      .where('guild_id', '=', guildId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const before = configFromRow(row);
    const after = guildConfigSchema.parse({ ...before, ...change(before) });
    const changes = describeChanges(before, after);
    if (changes.length === 0) return { before, after, revision: row.revision, changes };
    const revision = row.revision + 1;
    const pending: PendingAnnouncement[] = audit
      ? [
          {
            revision,
            actorId,
            reason: audit.reason,
            changes: changes.join('; ').slice(0, 1000),
            at: audit.at,
          },
        ]
      : [];
    await trx
      .updateTable('guild_config')
      .set({
        ...rowFromConfig(guildId, after),
        revision,
        updated_by: actorId,
        updated_at: new Date(),
        pending_announcements: sql`pending_announcements || ${JSON.stringify(pending)}::jsonb`,
      })
      .where('guild_id', '=', guildId)
      .execute();
    return { before, after, revision, changes };
  });
}

/**
 * Tells every service about a guild's configuration. The CONFIG stream keeps one message per
 * guild, so a slower writer must not replace a newer revision with an older one: the publish
 * only succeeds while the stream's newest message for the guild is the one just read, and an
 * announcement older than what is there is dropped. Returns whether it was published.
 */
export async function announceGuildConfig(
  bus: EventBus,
  guildId: string,
  stored: StoredGuildConfig,
  changedBy: string,
  changedAt: number,
): Promise<boolean> {
  const stream = bus.ns.stream('CONFIG');
  const payload = { guildId, config: stored.config, revision: stored.revision, changedBy, changedAt };
  const subject = bus.ns.subject(configChanged.subject(payload));
  for (let attempt = 1; ; attempt++) {
    const last = await newestMessage(bus, stream, subject);
    if (last && last.revision >= stored.revision) return false;
    try {
      await bus.publish('config.changed', payload, { expectLastSubjectSequence: last?.seq ?? 0 });
      return true;
    } catch (err) {
      if (!isWrongLastSequence(err) || attempt >= 5) throw err;
    }
  }
}

async function newestMessage(bus: EventBus, stream: string, subject: string) {
  try {
    const stored = await bus.jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (!stored) return undefined;
    const revision = (stored.json() as { revision?: unknown }).revision;
    return { seq: stored.seq, revision: typeof revision === 'number' ? revision : 0 };
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return undefined;
    throw err;
  }
}

function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

/**
 * Announces a guild's committed configuration to every service and publishes the audit entries
 * of the changes not yet announced, then marks them done. Safe to repeat: an older announcement
 * is dropped and each audit entry has its revision's idempotency key. Throws while NATS is down;
 * the gateway's sweep calls it again until it succeeds.
 */
export async function announcePending(db: Kysely<Database>, bus: EventBus, guildId: string): Promise<number> {
  const row = await db
    .selectFrom('guild_config')
    .selectAll()
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
  if (!row || (row.announced_revision >= row.revision && row.pending_announcements.length === 0)) return 0;
  const stored = { config: configFromRow(row), revision: row.revision };
  await announceGuildConfig(bus, guildId, stored, row.updated_by ?? 'chat-guard', row.updated_at.getTime());
  for (const entry of row.pending_announcements) {
    await bus.publish('audit.recorded', {
      guildId,
      action: 'config.update',
      actorId: entry.actorId,
      targetId: null,
      reason: entry.reason,
      details: { changes: entry.changes, revision: entry.revision },
      idempotencyKey: `config:${guildId}:${entry.revision}`,
      at: entry.at,
    });
  }
  await db
    .updateTable('guild_config')
    .set({
      announced_revision: sql`greatest(announced_revision, ${row.revision})`,
      pending_announcements: sql`(select coalesce(jsonb_agg(e), '[]'::jsonb) from jsonb_array_elements(pending_announcements) e
        where (e->>'revision')::int > ${row.revision})`,
    })
    .where('guild_id', '=', guildId)
    .execute();
  return row.pending_announcements.length;
}

/** Guilds with a committed change not yet announced or audited. */
export async function guildsWithPendingAnnouncements(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('guild_config')
    .select('guild_id')
    .where((eb) =>
      eb.or([
        eb('announced_revision', '<', eb.ref('revision')),
        eb(sql`jsonb_array_length(pending_announcements)`, '>', 0),
      ]),
    )
    .execute();
  return rows.map((r) => r.guild_id);
}
