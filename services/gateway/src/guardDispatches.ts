import { metrics } from '@opentelemetry/api';
import type { Client } from 'discord.js';
import { z } from 'zod';

const id = z.string().min(1);
const user = z.looseObject({ id });
const member = z.looseObject({ user });
const message = z.looseObject({ id, channel_id: id, author: user });
const memberEvent = z.looseObject({ guild_id: id, user });

/**
 * The fields discord.js (and our handlers) read from each dispatch without checking: a dispatch
 * without them would throw inside the client and end the process. Others pass unchecked.
 */
const dispatchShapes: Readonly<Record<string, z.ZodType>> = {
  MESSAGE_CREATE: message,
  MESSAGE_UPDATE: z.looseObject({ id, channel_id: id, author: user.optional() }),
  MESSAGE_DELETE: z.looseObject({ id, channel_id: id }),
  GUILD_MEMBER_ADD: memberEvent,
  GUILD_MEMBER_UPDATE: memberEvent,
  GUILD_MEMBER_REMOVE: memberEvent,
  INVITE_CREATE: z.looseObject({ code: z.string().min(1), channel_id: id }),
  INVITE_DELETE: z.looseObject({ code: z.string().min(1), channel_id: id }),
  GUILD_CREATE: z.looseObject({ id }),
  INTERACTION_CREATE: z.union([
    z.looseObject({ id, token: z.string(), guild_id: id, member }),
    z.looseObject({ id, token: z.string(), guild_id: z.never().optional(), user }),
  ]),
};

/** Why a gateway dispatch cannot be handled, or undefined when it can. */
export function dispatchProblem(packet: unknown): string | undefined {
  if (typeof packet !== 'object' || packet === null) return 'not an object';
  const { t, d } = packet as { t?: unknown; d?: unknown };
  if (typeof t !== 'string') return undefined; // not a dispatch
  const shape = dispatchShapes[t];
  if (!shape) return undefined;
  const parsed = shape.safeParse(d);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
    .join('; ');
}

const dropped = metrics
  .getMeter('@chat-guard/gateway')
  .createCounter('chatguard_gateway_dropped_dispatches_total', {
    description: 'Gateway dispatches dropped because they were malformed or their handling threw',
  });

interface PacketHandling {
  handlePacket(packet?: unknown, shard?: unknown): boolean;
}

/**
 * Drops malformed dispatches before discord.js handles them, and any whose handling throws,
 * each counted and reported, so one bad payload never ends the gateway. `intercept` sees each
 * dispatch first and takes the ones it can handle without discord.js (it returns true for
 * those); it checks their shape itself.
 */
export function guardDispatches(
  client: Client,
  onDropped: (event: string, reason: string) => void,
  intercept: (packet: unknown) => boolean = () => false,
): void {
  // handlePacket is discord.js's one entry for every dispatch (queued ones too); it is private in its types.
  const manager = client.ws as unknown as PacketHandling;
  const handle = manager.handlePacket.bind(manager);
  const drop = (event: string, reason: string) => {
    dropped.add(1, { event });
    onDropped(event, reason);
  };
  manager.handlePacket = (packet, shard) => {
    const event = String((packet as { t?: unknown } | undefined)?.t ?? 'none');
    try {
      if (intercept(packet)) return true;
    } catch (err) {
      drop(event, `handling threw: ${err instanceof Error ? err.message : String(err)}`);
      return true;
    }
    const problem = packet === undefined ? undefined : dispatchProblem(packet);
    if (problem) {
      drop(event, `malformed: ${problem}`);
      return true;
    }
    try {
      return handle(packet, shard);
    } catch (err) {
      drop(event, `handling threw: ${err instanceof Error ? err.message : String(err)}`);
      return true;
    }
  };
}
