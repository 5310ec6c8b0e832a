// The overview `chat-guard --help` prints, in plain JavaScript so that the bin script can print
// it without loading TypeScript support (it answers in a fraction of a second).

/** @param {readonly { name: string; summary: string }[]} commands */
export function formatOverview(commands) {
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
