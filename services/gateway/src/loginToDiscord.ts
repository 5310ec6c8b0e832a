import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@chat-guard/runtime';
import type { Client } from 'discord.js';
import type { Logger } from 'pino';

/** Gateway close codes Discord never recovers from, by the setting that causes them. */
const FATAL_CLOSE_CODES: Readonly<Record<number, { variable: string; why: string }>> = {
  4004: { variable: 'DISCORD_TOKEN', why: 'Discord rejected the bot token' },
  4010: { variable: 'SHARDS', why: 'Discord refused a shard id' },
  4011: { variable: 'SHARD_COUNT', why: 'Discord requires more shards' },
  4013: { variable: 'DISCORD_TOKEN', why: 'Discord refused the intents' },
  4014: {
    variable: 'DISCORD_TOKEN',
    why: "Discord refused a privileged intent (turn on Server Members and Message Content in the bot's settings)",
  },
};

const TOKEN_HINT =
  'set DISCORD_TOKEN to the bot token from the Developer Portal (Bot, Reset Token), or leave it unset to use the sandbox';

/** True when Discord refused the token itself: a 401, or discord.js's TokenInvalid. */
export function isTokenRejected(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, status } = err as { code?: unknown; status?: unknown };
  return code === 'TokenInvalid' || status === 401 || code === 4004;
}

/** The configuration error behind a gateway close code, or null when Discord will let us reconnect. */
export function fatalCloseError(code: number, shard: number): ConfigError | null {
  const fatal = FATAL_CLOSE_CODES[code];
  if (!fatal) return null;
  const hint = fatal.variable === 'DISCORD_TOKEN' && code === 4004 ? `: ${TOKEN_HINT}` : '';
  return new ConfigError(
    fatal.variable,
    `${fatal.why} (close code ${code} on shard ${shard}); check ${fatal.variable}${hint}`,
  );
}

export interface LoginOptions {
  readonly api: string;
  readonly logger: Logger;
  /** How long to keep retrying a Discord that cannot be reached before giving up. */
  readonly deadlineMs: number;
}

/**
 * Logs in, retrying network failures with a growing delay and one line per attempt (no stack),
 * for at most `deadlineMs`. A token Discord rejects is a ConfigError naming DISCORD_TOKEN:
 * retrying it would only be refused again.
 */
export async function loginToDiscord(client: Client, token: string, options: LoginOptions): Promise<void> {
  const giveUpAt = Date.now() + options.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.login(token);
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isTokenRejected(err))
        throw new ConfigError('DISCORD_TOKEN', `Discord rejected the bot token (${message}): ${TOKEN_HINT}`, {
          cause: err,
        });
      const delayMs = Math.min(1_000 * 2 ** (attempt - 1), 30_000);
      if (Date.now() + delayMs > giveUpAt)
        throw new Error(
          `cannot reach Discord at ${options.api} (DISCORD_API_URL) after ${attempt} attempts: ${message}`,
          { cause: err },
        );
      options.logger.warn(
        { attempt, retryInMs: delayMs, err: message },
        `cannot reach Discord at ${options.api} (DISCORD_API_URL); retrying`,
      );
      await client.destroy();
      await sleep(delayMs);
    }
  }
}
