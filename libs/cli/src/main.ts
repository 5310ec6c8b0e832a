import { formatOverview } from '../bin/overview.mjs';
import { type Command, helpText, parseCommandArgs, type Subcommand, UsageError } from './command.ts';
import commandList from './commands.json' with { type: 'json' };
import { closest } from './didYouMean.ts';

interface Entry {
  /** As listed in commands.json, which holds each command's summary for the overview. */
  readonly name: string;
  /** Subcommands declared beside the registry, for commands that do not declare their own. */
  readonly subcommands?: Readonly<Record<string, Subcommand>>;
  load(): Promise<Command>;
}

const MODEL_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  generate: {
    summary:
      'Write labelled traces of generator A, B or C (<episode>-<seed>.jsonl, labels beside them) to --out',
    options: ['generator', 'seeds', 'episodes', 'hours', 'out'],
  },
  train: {
    summary: 'Fit on generator A, then calibrate and choose thresholds on generator B (the protocol)',
    options: ['scale', 'epochs', 'out', 'ship'],
  },
  tune: {
    summary: 'Redo only the calibration and thresholds on generator B for a trained model',
    options: ['scale', 'model', 'ship'],
  },
  eval: {
    summary: 'The cross-generator table on fresh seeds of A, B and C, feature AUCs, and plots',
    options: ['scale', 'model', 'traces', 'plots', 'record'],
  },
  export: {
    summary: 'Write the join history and admin labels from PostgreSQL as a trace directory',
    options: ['database-url', 'out', 'guild', 'since'],
  },
  bench: {
    summary: 'Time one whole detector tick (features and scoring) for many active guilds',
    options: ['model', 'guilds'],
  },
};

/**
 * Every command of `chat-guard`, in the order `--help` lists them. Each is loaded only when
 * it runs, so `--help` and `migrate` do not wait for TensorFlow or the sandbox to load.
 */
export const registry: readonly Entry[] = [
  {
    name: 'up',
    load: async () => (await import('./commands/up.ts')).upCommand,
  },
  {
    name: 'migrate',
    load: async () => (await import('./commands/migrate.ts')).migrateCommand,
  },
  {
    name: 'streams',
    load: async () => (await import('./commands/streams.ts')).streamsCommand,
  },
  {
    name: 'deadletter',
    subcommands: {
      list: {
        summary: 'One line per dead letter: sequence, when, subject, consumer, deliveries, why',
        options: ['limit', 'nats-url', 'namespace'],
      },
      replay: {
        summary: 'Publish the named dead letters again to their subjects, then remove them',
        options: ['nats-url', 'namespace'],
      },
      discard: { summary: 'Remove the named dead letters for good', options: ['nats-url', 'namespace'] },
    },
    load: async () => (await import('./commands/deadletter.ts')).deadletterCommand,
  },
  {
    name: 'audit',
    subcommands: {
      verify: {
        summary: "Walk each guild's hash chain and name the first entry changed, removed or reordered",
        options: ['guild', 'database-url'],
      },
      prune: {
        summary: 'Delete the oldest entries, keeping the chain verifiable from its new anchor',
        options: ['guild', 'older-than-days', 'database-url'],
      },
    },
    load: async () => (await import('./commands/audit.ts')).auditCommand,
  },
  {
    name: 'check',
    load: async () => (await import('./commands/check.ts')).checkCommand,
  },
  {
    name: 'sandbox',
    load: async () => (await import('./commands/sandbox.ts')).sandboxCommand,
  },
  {
    name: 'invites',
    load: async () => (await import('./commands/invites.ts')).invitesCommand,
  },
  {
    name: 'replay',
    load: async () => (await import('./commands/replay.ts')).replayCommand,
  },
  {
    name: 'model',
    subcommands: MODEL_SUBCOMMANDS,
    load: async () => (await import('./commands/model.ts')).modelCommand,
  },
  {
    name: 'bench',
    load: async () => (await import('./commands/bench.ts')).benchCommand,
  },
  {
    name: 'faults',
    load: async () => (await import('./commands/faults.ts')).faultsCommand,
  },
];

const overview = (): string => formatOverview(commandList);

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  const entry = registry.find((c) => c.name === name);
  if (!entry) {
    const guess = closest(
      name,
      registry.map((c) => c.name),
    );
    const hint = guess ? `; did you mean "${guess}"?` : '';
    console.error(`chat-guard: unknown command "${name}"${hint}\n\n${overview()}`);
    return 2;
  }
  let command: Command | undefined;
  try {
    const loaded = await entry.load();
    command = entry.subcommands ? { ...loaded, subcommands: entry.subcommands } : loaded;
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      const [sub] = args.positionals;
      console.log(helpText(command, sub !== undefined && command.subcommands?.[sub] ? sub : undefined));
      return 0;
    }
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError && command) {
      console.error(
        `chat-guard ${name}: ${err.message}\n\nRun \`chat-guard ${name} --help\` for its options.`,
      );
      return 2;
    }
    console.error(`chat-guard ${name}: ${describeError(err)}`);
    return 1;
  }
}

/** The error and its causes on one line each, without stack traces; a cause already told is not repeated. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && parts.length < 5) {
    const message = current instanceof Error ? current.message : String(current);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n  caused by: ');
}
