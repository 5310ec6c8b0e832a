/** The overview `chat-guard --help` prints: usage and one line per command. */
export function formatOverview(commands: readonly { name: string; summary: string }[]): string;
