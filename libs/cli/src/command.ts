import { type ParseArgsConfig, parseArgs } from 'node:util';

/** The sandbox traffic rate multiplier `up` and `sandbox` both start from: 1 is about 12 messages a minute and 20 joins an hour per guild. */
export const DEFAULT_TRAFFIC_RATE = '1';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { readonly description: string };

/** One `chat-guard <name>` command: its help text is generated from this declaration. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Words after the name in the usage line, e.g. `<trace.jsonl>`. */
  readonly positionals?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Extra paragraphs for `--help`. */
  readonly details?: string;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A wrong argument: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function helpText(command: Command): string {
  const lines = [
    `Usage: chat-guard ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`,
    '',
  ];
  lines.push(command.summary, '');
  if (command.details) lines.push(command.details, '');
  lines.push('Options:');
  const entries = [
    ...Object.entries(command.options),
    ['help', { type: 'boolean', description: 'Show this help' }] as const,
  ];
  for (const [name, spec] of entries) {
    const flag = `--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    const fallback =
      'default' in spec && spec.default !== undefined ? ` (default: ${String(spec.default)})` : '';
    lines.push(`  ${flag.padEnd(28)} ${spec.description}${fallback}`);
  }
  return lines.join('\n');
}

/** Parses argv strictly against the command's options; unknown flags are usage errors. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.options)) {
    const { description: _description, ...rest } = spec;
    options[name] = rest;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals, help: values.help === true };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A string option's value; the options declare defaults, so absence is a usage error. */
export function stringOption(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`);
  return value;
}

/** A whole-number option within bounds. */
export function intOption(args: ParsedArgs, name: string, min: number, max: number): number {
  const raw = stringOption(args, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}
