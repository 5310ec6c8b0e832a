import { connectBus } from '@chat-guard/bus';
import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { type Command, intOption } from '../command.ts';
import { reach, urlOption } from '../connections.ts';

const env = parseEnv(baseEnv.pick({ NATS_URL: true, NATS_NAMESPACE: true, NATS_REPLICAS: true }));

export const streamsCommand: Command = {
  name: 'streams',
  summary: 'Create or update the JetStream streams and durable consumers declared in code',
  options: {
    'nats-url': { type: 'string', description: 'NATS server URL(s), comma-separated', default: env.NATS_URL },
    namespace: {
      type: 'string',
      description: 'Prefix for subjects and stream names (NATS_NAMESPACE)',
      default: env.NATS_NAMESPACE,
    },
    replicas: {
      type: 'string',
      description: 'Stream replicas in a NATS cluster',
      default: String(env.NATS_REPLICAS),
    },
  },
  details:
    'Idempotent: what already matches the declaration is left as it is. Services do the same at start.',
  async run(args) {
    const namespace = typeof args.values.namespace === 'string' ? args.values.namespace : '';
    const url = urlOption(args, 'nats-url', 'NATS');
    const replicas = intOption(args, 'replicas', 1, 5);
    const bus = await reach('NATS', url, '--nats-url', () =>
      connectBus({ servers: url.split(','), name: 'chat-guard streams', namespace, replicas }),
    );
    try {
      for (const step of await bus.provision()) {
        console.log(`${step.kind.padEnd(8)} ${step.name.padEnd(40)} ${step.result}`);
      }
      return 0;
    } finally {
      await bus.drain();
    }
  },
};
