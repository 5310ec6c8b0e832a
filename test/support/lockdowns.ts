import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

/** Records a lockdown the way the enforcer does when it starts one; returns its id. */
export async function insertLockdown(
  db: Kysely<Database>,
  lockdown: {
    guildId: string;
    startedAt: number;
    status?: 'active' | 'lifted';
    quarantined?: string[];
  },
): Promise<string> {
  const id = `${lockdown.guildId}-${lockdown.startedAt}`;
  await db
    .insertInto('lockdown')
    .values({
      id,
      guild_id: lockdown.guildId,
      status: lockdown.status ?? 'active',
      shadow: false,
      score: 0.94,
      reasons: JSON.stringify(['40 joins in a minute']),
      features: JSON.stringify({}),
      raid_window_start: new Date(lockdown.startedAt - 60_000),
      ...(lockdown.quarantined ? { quarantined: JSON.stringify(lockdown.quarantined) } : {}),
      started_at: new Date(lockdown.startedAt),
    })
    .execute();
  return id;
}

/** Records a gate the way the enforcer does on `gate.started`; returns its id. */
export async function insertGate(
  db: Kysely<Database>,
  gate: { guildId: string; startedAt: number; status?: 'active' | 'ended'; mode?: 'off' | 'on-alert' },
): Promise<string> {
  const id = `${gate.guildId}-${gate.startedAt}`;
  await db
    .insertInto('gate_step')
    .values({
      gate_id: id,
      guild_id: gate.guildId,
      status: gate.status ?? 'active',
      mode: gate.mode ?? 'off',
      score: 0.62,
      reasons: JSON.stringify(['12 joins in a minute', 'accounts created within days of each other']),
      joins_last_minute: 12,
      started_at: new Date(gate.startedAt),
    })
    .execute();
  return id;
}
