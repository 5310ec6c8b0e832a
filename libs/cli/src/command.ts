import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from './didYouMean.ts';

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
  /** Its subcommands (`audit verify`), each with the options it reads, for its own `--help`. */
  readonly subcommands?: Readonly<Record<string, Subcommand>>;
  run(args: ParsedArgs): Promise<number>;
}

export interface Subcommand {
  readonly summary: string;
  /** The command's options this subcommand reads; the others are left out of its help. */
  readonly options: readonly string[];
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

/** `--help` for a command, or for one of its subcommands (only the options that one reads). */
export function helpText(command: Command, subcommand?: string): string {
  const sub = subcommand === undefined ? undefined : command.subcommands?.[subcommand];
  const lines = sub
    ? [`Usage: chat-guard ${command.name} ${subcommand} [options]`, '', sub.summary, '']
    : [
        `Usage: chat-guard ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`,
        '',
      ];
  if (!sub) {
    lines.push(command.summary, '');
    if (command.details) lines.push(command.details, '');
    const subs = Object.entries(command.subcommands ?? {});
    if (subs.length > 0) {
      lines.push('Subcommands (each has its own --help):');
      for (const [name, s] of subs) lines.push(`  ${name.padEnd(10)} ${s.summary}`);
      lines.push('');
    }
  }
  lines.push('Options:');
  const entries = [
    ...Object.entries(command.options).filter(([name]) => !sub || sub.options.includes(name)),
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
    throw new UsageError(parseProblem(command, err));
  }
}

/** Node's parser error in our words, with "did you mean" for a mistyped flag. */
function parseProblem(command: Command, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (unknown) {
    const flag = `${unknown[1]}${unknown[2]}`;
    const guess = closest(unknown[2] ?? '', [...Object.keys(command.options), 'help']);
    return `unknown option ${flag}${guess ? `; did you mean --${guess}?` : ''}`;
  }
  const missing = /^Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message.split('. ')[0] ?? message;
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
