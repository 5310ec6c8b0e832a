import { type EventBus, errorMessage } from '@chat-guard/bus';
import {
  type OwnerRefusal,
  type OwnerRequest,
  type OwnerRequestName,
  type OwnerResult,
  ownerRequests,
  problemsOf,
} from '@chat-guard/events';

export type OwnerHandlers = {
  readonly [N in OwnerRequestName]: (request: OwnerRequest<N>) => Promise<OwnerResult<N> | OwnerRefusal>;
};

const isRefusal = (value: unknown): value is OwnerRefusal =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/**
 * Answers what other services ask the gateway to change in the tables it owns (NATS
 * request/reply, one replica of the queue group answering each): a request that fails its
 * schema is refused naming the fields, a handler's error is answered as `failed` with its
 * message and reported, never left to time out. Resolves once the server holds the
 * subscriptions, so a request sent after it finds a responder (NATS answers "no responders"
 * to a request that beats the subscription there).
 */
export async function answerOwnerRequests(
  bus: EventBus,
  handlers: OwnerHandlers,
  onError: (name: OwnerRequestName, err: unknown) => void,
): Promise<{ stop(): void }> {
  const subscriptions = (Object.keys(ownerRequests) as OwnerRequestName[]).map((name) =>
    bus.nc.subscribe(bus.ns.subject(ownerRequests[name].subject), {
      queue: 'gateway',
      callback: (err, msg) => {
        if (err) {
          onError(name, err);
          return;
        }
        const answer = async (): Promise<unknown> => {
          const parsed = ownerRequests[name].request.safeParse(msg.json());
          if (!parsed.success)
            return {
              ok: false,
              code: 'invalid',
              message: 'the request does not fit its schema',
              errors: problemsOf(parsed.error),
            };
          const handle = handlers[name] as (r: unknown) => Promise<unknown>;
          const outcome = await handle(parsed.data);
          return isRefusal(outcome) ? outcome : { ok: true, result: outcome };
        };
        answer().then(
          (reply) => msg.respond(JSON.stringify(reply)),
          (failure: unknown) => {
            onError(name, failure);
            msg.respond(JSON.stringify({ ok: false, code: 'failed', message: errorMessage(failure) }));
          },
        );
      },
    }),
  );
  await bus.nc.flush();
  return {
    stop: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
