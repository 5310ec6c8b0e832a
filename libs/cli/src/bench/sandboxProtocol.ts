// What the benchmark and its sandbox process (sandboxHost.ts) say to each other over IPC.

/** How the sandbox process seeds its guilds. */
export interface HostSpec {
  readonly seed: number;
  readonly chatGuilds: number;
  readonly membersPerGuild: number;
  /** Members of the extra guild the spam wave hits. */
  readonly waveAccounts: number;
}

export interface HostReady {
  readonly api: string;
  readonly token: string;
  readonly guilds: readonly string[];
  readonly chatGuilds: readonly string[];
  readonly waveGuild: string;
  readonly authors: number;
}

export type HostRequest = { readonly id: number } & (
  | {
      readonly op: 'chat';
      readonly perSecond: number;
      readonly seconds: number;
      readonly violatingPerHundred: number;
    }
  | { readonly op: 'wave'; readonly messages: number; readonly seconds: number }
  | { readonly op: 'actions'; readonly since: number }
  | { readonly op: 'restCalls'; readonly since: number }
  | { readonly op: 'registered' }
  | { readonly op: 'close' }
);

/** A paced run of ordinary chat: what was posted, and each violation's id and post time. */
export interface ChatResult {
  readonly posted: number;
  readonly refused: number;
  readonly violations: readonly { readonly id: string; readonly at: number }[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** Messages offered per second, refused ones included. */
  readonly achieved: number;
}

/** The spam wave: the accepted messages' ids, and when its last message was posted. */
export interface WaveResult {
  readonly guildId: string;
  readonly accounts: number;
  readonly ids: readonly string[];
  readonly refused: number;
  readonly startedAt: number;
  readonly lastAt: number;
}
