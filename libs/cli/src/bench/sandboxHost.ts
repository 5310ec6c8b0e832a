// The benchmark's sandbox in a process of its own, so the CPU it spends playing Discord (and the
// simulated users') is measured apart from the pipeline's. The benchmark drives it over IPC:
// see `SandboxHost` in sandboxClient.ts for the requests.
import { type BotAction, type RestCall, startSandbox, UserActionRejectedError } from '@chat-guard/sandbox';
import { benchContent, WAVE_CONTENT } from './benchMessages.ts';
import type { ChatResult, HostReady, HostRequest, HostSpec, WaveResult } from './sandboxProtocol.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as HostSpec;
const sandbox = await startSandbox({
  guilds: [
    ...Array.from({ length: spec.chatGuilds }, () => ({ members: spec.membersPerGuild })),
    { members: spec.waveAccounts },
  ],
  seed: spec.seed,
  maxMessagesPerGuild: 5_000,
});
const chatGuilds = sandbox.guilds.slice(0, spec.chatGuilds);
const waveGuild = sandbox.guilds[spec.chatGuilds] ?? '';

/**
 * Authors of the chat: every ordinary member of the chat guilds, over three channels each, taken
 * in turn from guild to guild, so the chat (and its violations) runs in every guild at once, as
 * the chat of many servers does, not in one server after another.
 */
const byGuild = chatGuilds.map((guildId) => {
  const guild = sandbox.inspect.guild(guildId);
  const channels = ['general', 'chat', 'media'].map((n) => guild.channels[n] ?? '');
  return guild.memberIds.map((userId, i) => ({ channelId: channels[i % channels.length] ?? '', userId }));
});
const authors = Array.from({ length: Math.max(0, ...byGuild.map((m) => m.length)) }, (_, i) =>
  byGuild.map((members) => members[i]),
)
  .flat()
  .filter((a) => a !== undefined);

// One count for the whole run: an author's next line never repeats one they just posted, in
// whichever phase it falls. Violations rotate through the authors on their own, so nobody
// collects enough to be escalated to a timeout (the sandbox would then refuse their posts).
let n = 0;
let violationCount = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts `perSecond` for `seconds` in 10-ms ticks, calling `postOne` for each message. */
async function pace(perSecond: number, seconds: number, postOne: (i: number) => void) {
  const tickMs = 10;
  const total = Math.round(perSecond * seconds);
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1);
    for (; i < due; i++) postOne(i);
    await sleep(tickMs);
  }
  return { total, seconds: (performance.now() - start) / 1000 };
}

function tryPost(channelId: string, userId: string, content: string) {
  try {
    return sandbox.users.postMessage({ channelId, userId, content });
  } catch (err) {
    // A timed-out member or a lockdown: Discord refuses the post, and the run counts it.
    if (err instanceof UserActionRejectedError) return undefined;
    throw err;
  }
}

async function chat(perSecond: number, seconds: number, violatingPerHundred: number): Promise<ChatResult> {
  const violations: { id: string; at: number }[] = [];
  let posted = 0;
  let refused = 0;
  const startedAt = Date.now();
  const paced = await pace(perSecond, seconds, () => {
    const { content, violating } = benchContent(n, authors.length, violatingPerHundred);
    const author = authors[(violating ? violationCount++ * 7 : n) % authors.length];
    n++;
    if (!author) throw new Error('the benchmark sandbox has no authors');
    const message = tryPost(author.channelId, author.userId, content);
    if (!message) {
      refused++;
      return;
    }
    posted++;
    if (violating) violations.push({ id: message.id, at: message.createdAt });
  });
  return {
    posted,
    refused,
    violations,
    startedAt,
    endedAt: Date.now(),
    achieved: paced.total / paced.seconds,
  };
}

async function wave(messages: number, seconds: number): Promise<WaveResult> {
  const guild = sandbox.inspect.guild(waveGuild);
  const accounts = guild.memberIds.slice(0, spec.waveAccounts);
  // Each account keeps to one of the guild's three chat channels, as a raid spreads out.
  const channels = ['general', 'chat', 'media'].map((n) => guild.channels[n] ?? '');
  const ids: string[] = [];
  let refused = 0;
  const startedAt = Date.now();
  await pace(messages / seconds, seconds, (i) => {
    const account = i % accounts.length;
    const channelId = channels[account % channels.length] ?? '';
    const message = tryPost(channelId, accounts[account] ?? '', WAVE_CONTENT);
    if (message) ids.push(message.id);
    else refused++;
  });
  return { guildId: waveGuild, accounts: accounts.length, ids, refused, startedAt, lastAt: Date.now() };
}

async function answer(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'chat':
      return chat(request.perSecond, request.seconds, request.violatingPerHundred);
    case 'wave':
      return wave(request.messages, request.seconds);
    case 'actions':
      return sandbox.inspect.actions({ since: request.since }) satisfies BotAction[];
    case 'restCalls':
      return sandbox.inspect.restCalls(request.since) satisfies RestCall[];
    case 'registered':
      return new Set(sandbox.inspect.actions({ kind: 'commands.overwritten' }).map((a) => a.guildId)).size;
    case 'close':
      await closeOnce();
      return null;
  }
}

process.on('message', (request: HostRequest) => {
  answer(request).then(
    (result) => process.send?.({ id: request.id, result }),
    (err: unknown) =>
      process.send?.({
        id: request.id,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
let closing: Promise<void> | undefined;
function closeOnce(): Promise<void> {
  closing ??= sandbox.close();
  return closing;
}
// The benchmark done with it, killed or crashed: the process ends and leaves nothing behind.
process.on('disconnect', () => {
  void closeOnce().then(() => process.exit(0));
});

process.send?.({
  ready: {
    api: sandbox.api,
    token: sandbox.token,
    guilds: [...sandbox.guilds],
    chatGuilds,
    waveGuild,
    authors: authors.length,
  } satisfies HostReady,
});
