import { connectBus, discardDeadLetter, listDeadLetters, replayDeadLetter } from '@chat-guard/bus';
import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { type Command, intOption, UsageError } from '../command.ts';
import { reach, urlOption } from '../connections.ts';

const env = parseEnv(baseEnv.pick({ NATS_URL: true, NATS_NAMESPACE: true }));

function sequences(values: readonly string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${v}" is not a dead-letter sequence number`);
    return n;
  });
}

export const deadletterCommand: Command = {
  name: 'deadletter',
  summary: 'List, replay or discard the messages no service could process',
  positionals: '<list | replay SEQ... | discard SEQ...>',
  options: {
    limit: { type: 'string', description: 'With list: at most this many', default: '50' },
    'nats-url': { type: 'string', description: 'NATS server URL(s), comma-separated', default: env.NATS_URL },
    namespace: {
      type: 'string',
      description: 'Subject and stream prefix (NATS_NAMESPACE)',
      default: env.NATS_NAMESPACE,
    },
  },
  details: [
    'list prints one line per dead letter: its sequence, when, the original subject, the consumer',
    'that gave up on it, after how many deliveries, and why.',
    'replay publishes each named dead letter again to its original subject, then removes it:',
    'for after the cause is fixed. discard removes them for good.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args.positionals;
    if (action !== 'list' && action !== 'replay' && action !== 'discard') {
      throw new UsageError(action ? `unknown action "${action}"` : 'say list, replay or discard');
    }
    if (action !== 'list' && rest.length === 0)
      throw new UsageError(`${action} needs the sequence numbers from list`);
    const limit = intOption(args, 'limit', 1, 100_000);
    const url = urlOption(args, 'nats-url', 'NATS');
    const namespace = typeof args.values.namespace === 'string' ? args.values.namespace : '';
    const bus = await reach('NATS', url, '--nats-url', () =>
      connectBus({ servers: url.split(','), name: 'chat-guard deadletter', namespace }),
    );
    try {
      if (action === 'list') {
        const entries = await listDeadLetters(bus, limit);
        for (const e of entries) {
          console.log(
            `${e.seq}\t${e.at.toISOString()}\t${e.subject}\t${e.consumer}\t${e.deliveries}x\t${e.reason}`,
          );
        }
        console.log(`${entries.length} dead letter(s)`);
        return 0;
      }
      for (const seq of sequences(rest)) {
        if (action === 'replay')
          console.log(`${seq}: replayed to ${(await replayDeadLetter(bus, seq)).subject}`);
        else {
          await discardDeadLetter(bus, seq);
          console.log(`${seq}: discarded`);
        }
      }
      return 0;
    } finally {
      await bus.drain();
    }
  },
};
