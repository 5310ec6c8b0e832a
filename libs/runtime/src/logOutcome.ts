import type { Outcome } from '@chat-guard/bus';
import { errorMessage } from '@chat-guard/bus';
import type { Logger } from 'pino';

/** One log line per delivery that did not simply succeed. */
export function logOutcome(logger: Logger, outcome: Outcome): void {
  const fields = {
    consumer: outcome.consumer,
    subject: outcome.subject,
    event: outcome.event,
    seq: outcome.streamSequence,
    delivery: outcome.deliveryCount,
    reason: outcome.reason,
    ...(outcome.error === undefined ? {} : { err: errorMessage(outcome.error) }),
  };
  if (outcome.kind === 'dead') logger.error(fields, 'message dead-lettered');
  else if (outcome.kind === 'retry') logger.warn(fields, 'message will be retried');
  else logger.debug(fields, `message ${outcome.kind}`);
}
