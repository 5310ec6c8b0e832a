import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJoinTrace, formatLabels, type JoinTraceEvent, type TraceLabel } from '@chat-guard/sandbox';
import pg from 'pg';

export interface ExportOptions {
  readonly databaseUrl: string;
  readonly out: string;
  readonly guildId?: string;
  /** Only history from this time on (ms since the epoch). */
  readonly since?: number;
  readonly pageSize?: number;
  readonly progress: (line: string) => void;
}

interface JoinRow {
  cursor: string;
  ts: string;
  guild_id: string;
  user_id: string;
  invite_code: string | null;
  confidence: string;
  username: string | null;
  avatar: string | null;
  bot: boolean;
}

/**
 * Rows of `member_join` in time order of `column` (joined_at or left_at), a page at a time by
 * keyset, so a table of millions never sits in memory.
 */
async function* pagedJoins(
  client: pg.Client,
  column: 'joined_at' | 'left_at',
  options: ExportOptions,
): AsyncGenerator<JoinRow> {
  let after: [string, string, string] | null = null;
  for (;;) {
    const params: unknown[] = [
      options.guildId ?? null,
      new Date(options.since ?? 0),
      options.pageSize ?? 5000,
    ];
    const keyset: string = after ? `and (${column}, guild_id, user_id) > ($4::timestamptz, $5, $6)` : '';
    if (after) params.push(...after);
    const { rows }: pg.QueryResult<JoinRow> = await client.query<JoinRow>(
      `select ${column}::text as cursor, floor(extract(epoch from ${column}) * 1000)::bigint::text as ts,
              guild_id, user_id, invite_code, confidence, username, avatar, bot
         from member_join
        where ${column} is not null and ($1::text is null or guild_id = $1) and ${column} >= $2 ${keyset}
        order by ${column}, guild_id, user_id
        limit $3`,
      params,
    );
    yield* rows;
    const last: JoinRow | undefined = rows.at(-1);
    if (!last || rows.length < (options.pageSize ?? 5000)) return;
    after = [last.cursor, last.guild_id, last.user_id];
  }
}

function joinedEvent(row: JoinRow): JoinTraceEvent {
  return {
    type: 'member.joined',
    ts: Number(row.ts),
    guildId: row.guild_id,
    userId: row.user_id,
    username: row.username ?? '',
    globalName: null,
    avatar: row.avatar,
    bot: row.bot,
    // Only an exact attribution names the invite; the vanity URL is its own word.
    inviteCode: row.confidence === 'exact' ? row.invite_code : row.confidence === 'vanity' ? 'vanity' : null,
  };
}

/** Merges two time-ordered streams of events into one, joins first at equal times. */
async function* merged(
  a: AsyncGenerator<JoinTraceEvent>,
  b: AsyncGenerator<JoinTraceEvent>,
): AsyncGenerator<JoinTraceEvent> {
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (!x.done && (y.done || x.value.ts <= y.value.ts)) {
      yield x.value;
      x = await a.next();
    } else if (!y.done) {
      yield y.value;
      y = await b.next();
    }
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function* mapped<T>(rows: AsyncGenerator<JoinRow>, f: (row: JoinRow) => T): AsyncGenerator<T> {
  for await (const row of rows) yield f(row);
}

/**
 * Writes the join history and the admins' labels from PostgreSQL as `trace.jsonl` and
 * `labels.jsonl` (JOIN_TRACE.md): joins and leaves in time order, confirmed raids as `raid`
 * labels and false alarms as `surge` labels (windows that must not lock down).
 */
export async function exportTraces(options: ExportOptions): Promise<{ events: number; labels: number }> {
  await mkdir(options.out, { recursive: true });
  const joinsClient = new pg.Client({ connectionString: options.databaseUrl });
  const leavesClient = new pg.Client({ connectionString: options.databaseUrl });
  await joinsClient.connect();
  await leavesClient.connect();
  const trace = createWriteStream(join(options.out, 'trace.jsonl'));
  let events = 0;
  try {
    const joins = mapped(pagedJoins(joinsClient, 'joined_at', options), joinedEvent);
    const leaves = mapped(
      pagedJoins(leavesClient, 'left_at', options),
      (row): JoinTraceEvent => ({
        type: 'member.left',
        ts: Number(row.ts),
        guildId: row.guild_id,
        userId: row.user_id,
      }),
    );
    for await (const event of merged(joins, leaves)) {
      await write(trace, formatJoinTrace([event]));
      if (++events % 50_000 === 0) options.progress(`${events} events written`);
    }
    trace.end();
    await once(trace, 'finish');
    const { rows } = await joinsClient.query<{ label: string; guild_id: string; start: string; end: string }>(
      `select distinct on (lockdown_id) label, guild_id,
              floor(extract(epoch from window_start) * 1000)::bigint::text as start,
              floor(extract(epoch from window_end) * 1000)::bigint::text as "end"
         from raid_label
        where ($1::text is null or guild_id = $1) and window_end >= $2
        order by lockdown_id, labelled_at desc`,
      [options.guildId ?? null, new Date(options.since ?? 0)],
    );
    const labels: TraceLabel[] = rows
      .map((r) => ({
        type: r.label === 'raid' ? ('raid' as const) : ('surge' as const),
        guildId: r.guild_id,
        start: Number(r.start),
        end: Number(r.end),
        family: r.label === 'raid' ? 'confirmed' : 'false-alarm',
      }))
      .sort((a, b) => a.start - b.start);
    const labelsFile = createWriteStream(join(options.out, 'labels.jsonl'));
    await write(labelsFile, formatLabels(labels));
    labelsFile.end();
    await once(labelsFile, 'finish');
    options.progress(`wrote ${events} events and ${labels.length} labels to ${options.out}`);
    return { events, labels: labels.length };
  } finally {
    if (!trace.closed) trace.destroy();
    await joinsClient.end();
    await leavesClient.end();
  }
}
