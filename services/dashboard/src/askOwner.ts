import type { EventBus } from '@chat-guard/bus';
import {
  type OwnerRefusal,
  type OwnerRequest,
  type OwnerRequestName,
  type OwnerResult,
  ownerRefusal,
  ownerRequests,
} from '@chat-guard/events';
import { z } from 'zod';

/** How long the dashboard waits for the owner's confirmation before saying it has none. */
export const OWNER_TIMEOUT_MS = 10_000;

/** The owner's answer, or `unconfirmed` when it did not answer in time (nothing is shown saved). */
export type OwnerAnswer<N extends OwnerRequestName> =
  | { readonly ok: true; readonly result: OwnerResult<N> }
  | OwnerRefusal
  | { readonly ok: false; readonly code: 'unconfirmed'; readonly message: string };

/**
 * Asks the service that owns a table to change it, and waits for its answer: the dashboard
 * never writes another service's table, and says "saved" only when the owner has confirmed.
 */
export async function askOwner<N extends OwnerRequestName>(
  bus: EventBus,
  name: N,
  request: OwnerRequest<N>,
  timeoutMs = OWNER_TIMEOUT_MS,
): Promise<OwnerAnswer<N>> {
  const contract = ownerRequests[name];
  let reply: unknown;
  try {
    const msg = await bus.nc.request(bus.ns.subject(contract.subject), JSON.stringify(request), {
      timeout: timeoutMs,
    });
    reply = msg.json();
  } catch (err) {
    return {
      ok: false,
      code: 'unconfirmed',
      message: `The gateway did not confirm the change within ${timeoutMs / 1000} s (${err instanceof Error ? err.message : String(err)}); it may not be saved. Reload to see what is stored.`,
    };
  }
  const answer = z
    .union([z.strictObject({ ok: z.literal(true), result: contract.result }), ownerRefusal])
    .safeParse(reply);
  if (!answer.success)
    throw new Error(`the gateway's answer to ${name} does not fit: ${answer.error.message}`);
  return answer.data as OwnerAnswer<N>;
}

/** The HTTP status a refusal is answered with. */
export function refusalStatus(code: OwnerRefusal['code'] | 'unconfirmed'): 404 | 409 | 422 | 503 {
  if (code === 'invalid') return 422;
  if (code === 'conflict') return 409;
  if (code === 'not-found') return 404;
  return 503;
}

/** The JSON a refusal is answered with: the fields for `invalid`, else the owner's reason. */
export function refusalBody(refusal: Exclude<OwnerAnswer<OwnerRequestName>, { ok: true }>) {
  return 'errors' in refusal && refusal.errors
    ? { error: refusal.code, message: refusal.message, errors: refusal.errors }
    : { error: refusal.code, message: refusal.message };
}
