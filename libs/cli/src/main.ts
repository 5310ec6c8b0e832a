import { type Command, helpText, parseCommandArgs, UsageError } from './command.ts';

/**
 * Every command of `chat-guard`, in the order `--help` lists them. Each is loaded only when
 * it runs: `migrate` should not wait for TensorFlow or the sandbox to load.
 */
const registry: readonly { readonly name: string; load(): Promise<Command> }[] = [
  { name: 'up', load: async () => (await import('./commands/up.ts')).upCommand },
  { name: 'migrate', load: async () => (await import('./commands/migrate.ts')).migrateCommand },
  { name: 'streams', load: async () => (await import('./commands/streams.ts')).streamsCommand },
  { name: 'deadletter', load: async () => (await import('./commands/deadletter.ts')).deadletterCommand },
  { name: 'audit', load: async () => (await import('./commands/audit.ts')).auditCommand },
  { name: 'check', load: async () => (await import('./commands/check.ts')).checkCommand },
  { name: 'sandbox', load: async () => (await import('./commands/sandbox.ts')).sandboxCommand },
  { name: 'invites', load: async () => (await import('./commands/invites.ts')).invitesCommand },
  { name: 'replay', load: async () => (await import('./commands/replay.ts')).replayCommand },
  { name: 'model', load: async () => (await import('./commands/model.ts')).modelCommand },
  { name: 'bench', load: async () => (await import('./commands/bench.ts')).benchCommand },
];

async function overview(): Promise<string> {
  const commands = await Promise.all(registry.map((entry) => entry.load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: chat-guard <command> [options]',
    '',
    'Chat Guard: self-hosted Discord moderation and anti-raid: services over NATS JetStream, and a member gate.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `chat-guard <command> --help` for a command's options.",
  ].join('\n');
}
/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await overview());
    return name === undefined ? 2 : 0;
  }
  const entry = registry.find((c) => c.name === name);
  if (!entry) {
    console.error(`chat-guard: unknown command "${name}"\n\n${await overview()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      console.log(helpText(command));
      return 0;
    }
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`chat-guard ${command.name}: ${err.message}\n\n${helpText(command)}`);
      return 2;
    }
    console.error(`chat-guard ${command.name}: ${describeError(err)}`);
    return 1;
  }
}

/** The error and its causes on one line each, without stack traces. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current !== undefined && parts.length < 5) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n  caused by: ');
}
