import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  type CheckContext,
  checkMessage,
  InMemorySpamWindowStore,
  mentionsInContent,
  spamRecordOf,
} from '@chat-guard/content-filter';
import { type GuildConfig, guildConfigSchema } from '@chat-guard/events';
import { z } from 'zod';
import { type Command, stringOption } from '../command.ts';

/** The config file cannot be read or does not match the guild-config schema. */
export class ConfigFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigFileError';
  }
}

/** Where a zod issue points, as `spamGuard` or `whiteListMembers[0]`. */
function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

/** zod's message without its "Invalid input: " prefix; an absent field is "missing". */
function issueMessage(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^expected .*, received undefined$/, 'missing');
}

/** One line per problem, each naming the field: `config.json: spamGuard: expected boolean, received string`. */
function describeIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `${file}: ${issuePath([...issue.path, key])}: unknown field`)
        : [`${file}: ${issuePath(issue.path) || '(top level)'}: ${issueMessage(issue.message)}`],
    )
    .join('\n');
}

/** Reads a guild config file; missing fields take their defaults. */
export async function loadGuildConfig(file: string): Promise<GuildConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigFileError(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = guildConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigFileError(describeIssues(file, parsed.error.issues));
  return parsed.data;
}

const inputLine = z.object({
  id: z.union([z.string(), z.number()]),
  content: z.string(),
  authorId: z.string().optional(),
  channelId: z.string().optional(),
  roleIds: z.array(z.string()).optional(),
  permissions: z.string().regex(/^\d+$/, 'expected a decimal permission bitfield').optional(),
  at: z.number().int().nonnegative().optional(),
});
type InputLine = z.infer<typeof inputLine>;

/** Ids a message gets when its line does not say: one channel of one guild. */
const DEFAULT_ID = '0';

/**
 * The author of a line that names none: a stranger of its own (an id from its line number), so
 * that unrelated lines never share a spam window; lines meant as one author's say so.
 */
export function authorOf(input: { readonly authorId?: string | undefined }, lineNumber: number): string {
  return input.authorId ?? String(9_000_000_000_000_000 + lineNumber);
}

function parseLine(line: string): InputLine | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  const parsed = inputLine.safeParse(json);
  return parsed.success ? parsed.data : describeIssues('', parsed.error.issues).replace(/^: /gm, '');
}

function allowedCodes(values: unknown): Set<string> {
  const list = Array.isArray(values) ? values : [];
  return new Set(
    list
      .flatMap((value) => String(value).split(','))
      // A pasted invite link stands for its code: the part after the last slash.
      .map((code) => code.trim().replace(/^.*\//, ''))
      .filter(Boolean),
  );
}

export const checkCommand: Command = {
  name: 'check',
  summary: "Check messages (JSON Lines on stdin) against a guild config with the content filter's own code",
  options: {
    config: {
      type: 'string',
      description: 'Guild config JSON (guild-config schema; missing fields take defaults)',
    },
    'allow-invite': {
      type: 'string',
      multiple: true,
      description: "The guild's own invite or vanity code (or link); repeat or comma-separate",
    },
  },
  details: [
    'Each stdin line is {"id","content"} plus optional "authorId", "channelId", "roleIds",',
    '"permissions" (decimal bitfield, default 0: no Mention Everyone) and "at" (epoch ms, default: when',
    'the line is read). Lines with the same "authorId" share one in-memory spam window, as in the',
    'service, so one author repeating a line trips the spam guard; a line without "authorId" is',
    'an author of its own, so a batch of unrelated lines tests the other rules.',
    'Mentions are read from the content: <@id>, <@!id>, <@&id>, @everyone, @here. Blank lines are skipped.',
    'Each line gets one verdict on stdout: {"id","violations":[{"type","detail"}...]}.',
    'A line that is not JSON or lacks "id"/"content" gets an error on stderr naming its line number,',
    'and checking goes on.',
    '',
    'Exit status: 0 when every line was checked, 1 when some line was invalid, 2 for a bad',
    'config file or a wrong option.',
  ].join('\n'),
  async run(args) {
    const file = stringOption(args, 'config');
    let config: GuildConfig;
    try {
      config = await loadGuildConfig(file);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      console.error(err.message);
      return 2;
    }
    const allowedInviteCodes = allowedCodes(args.values['allow-invite']);
    const store = new InMemorySpamWindowStore();
    let invalidLines = 0;
    let lineNumber = 0;
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const input = parseLine(line);
      if (typeof input === 'string') {
        invalidLines++;
        console.error(`line ${lineNumber}: ${input.replace(/\n/g, `\nline ${lineNumber}: `)}`);
        continue;
      }
      const violations = await check(input, authorOf(input, lineNumber), config, allowedInviteCodes, store);
      process.stdout.write(`${JSON.stringify({ id: input.id, violations })}\n`);
    }
    return invalidLines > 0 ? 1 : 0;
  },
};

/** One line through the same steps as the service: record in the spam window, then `checkMessage`. */
async function check(
  input: InputLine,
  authorId: string,
  config: GuildConfig,
  allowedInviteCodes: ReadonlySet<string>,
  store: InMemorySpamWindowStore,
) {
  const guildId = DEFAULT_ID;
  const incoming = spamRecordOf(input.content, input.at ?? Date.now());
  const recent = await store.recordAndList(guildId, authorId, incoming, config.spamWindowSeconds * 1000);
  const context: CheckContext = { config, allowedInviteCodes, spam: { recent, incoming } };
  return checkMessage(
    {
      guildId,
      channelId: input.channelId ?? DEFAULT_ID,
      messageId: String(input.id),
      authorId,
      content: input.content,
      ...mentionsInContent(input.content),
      memberRoleIds: input.roleIds ?? [],
      memberPermissions: input.permissions ?? '0',
    },
    context,
  );
}
