import type { EventBus } from '@chat-guard/bus';
import { recentJoins } from '@chat-guard/campaigns';
import type { GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

/** The accounts that joined this long before the start are quarantined, as after the detector's trigger. */
export const RAID_WINDOW_MS = 2 * 60_000;

export interface StartByHandDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
}

/**
 * `/lockdown start [reason]`: asks the enforcer for a lockdown exactly as the detector does
 * (the same event, the same profile, snapshot, restore and alert), at full strength (score 1,
 * so the send ban applies), quarantining who joined in the two minutes before, and naming the
 * admin; it holds until an admin lifts it. Audited in the admin's name.
 */
export async function startLockdownByHand(
  deps: StartByHandDeps,
  request: { guildId: string; userId: string; options: Readonly<Record<string, string | number | boolean>> },
): Promise<string> {
  const settings = deps.config(request.guildId).lockdown;
  if (settings.mode === 'off')
    return 'Lockdowns are off in this server: `/lockdown mode enforce` (or `shadow`) first. Nothing was done.';
  const given = request.options.reason;
  const reason =
    typeof given === 'string' && given.trim() !== '' ? given.trim().slice(0, 150) : 'no reason given';
  const now = deps.now();
  const joined = await recentJoins(deps.db, request.guildId, new Date(now - RAID_WINDOW_MS));
  const lockdownId = `${request.guildId}-${now}`;
  await deps.bus.publish('lockdown.requested', {
    guildId: request.guildId,
    lockdownId,
    score: 1,
    threshold: 1,
    reasons: [`started by hand by <@${request.userId}>: ${reason}`],
    features: {},
    featureVersion: 1,
    joinsLastMinute: joined.filter((j) => j.joinedAt.getTime() >= now - 60_000).length,
    topInvite: null,
    raidWindowStart: now - RAID_WINDOW_MS,
    suspectIds: joined.map((j) => j.userId).slice(-1000),
    requestedAt: now,
    requestedBy: request.userId,
  });
  await deps.bus.publish('audit.recorded', {
    guildId: request.guildId,
    action: 'lockdown.start_requested',
    actorId: request.userId,
    targetId: null,
    reason,
    details: { lockdownId },
    idempotencyKey: `lockdown:${lockdownId}:requested`,
    at: now,
  });
  const shadow = settings.mode === 'shadow' ? ' in shadow mode (alerted, nothing changed on Discord)' : '';
  return `Locking the server down${shadow} with the profile (\`/lockdown profile show\`). It holds until an admin lifts it: \`/lockdown lift\`.`;
}
