import type { EventBus } from '@chat-guard/bus';

/** Who made a change on the dashboard. */
export interface Changer {
  readonly userId: string;
  readonly username: string;
}

/**
 * Records a change made on the dashboard in the guild's hash chain: the user is the actor, and
 * named (`details.by`), so the log reads who did it without another lookup.
 */
export async function auditChange(
  bus: Pick<EventBus, 'publish'>,
  change: {
    readonly guildId: string;
    readonly action: string;
    readonly by: Changer;
    readonly reason: string;
    readonly details: Record<string, string | number | boolean | null>;
    readonly idempotencyKey: string;
    readonly at: number;
  },
): Promise<void> {
  await bus.publish('audit.recorded', {
    guildId: change.guildId,
    action: change.action,
    actorId: change.by.userId,
    targetId: null,
    reason: `${change.reason} by ${change.by.username}`.slice(0, 500),
    details: { ...change.details, by: change.by.username, via: 'dashboard' },
    idempotencyKey: change.idempotencyKey,
    at: change.at,
  });
}
