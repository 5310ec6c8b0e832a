import { DiscordAPIError, HTTPError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

/** Discord refused the action for good (403, an unknown member…): record it, do not retry. */
export class DiscordRefusedError extends Error {
  readonly retryable = false;
  constructor(
    readonly status: number,
    readonly code: number | string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DiscordRefusedError';
  }
}

/** Discord or the network failed in a way a later retry may fix (5xx, timeouts). */
export class DiscordUnavailableError extends Error {
  readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DiscordUnavailableError';
  }
}

export function isDiscordRefused(err: unknown): err is DiscordRefusedError {
  return err instanceof DiscordRefusedError;
}

/** Whether a REST error says the thing is already gone (so deleting it again has done its job). */
export function isAlreadyGone(err: unknown, codes: readonly number[]): boolean {
  return err instanceof DiscordAPIError && err.status === 404 && codes.includes(Number(err.code));
}

/** Sorts a REST failure into refused (4xx) or unavailable (5xx, timeout, network). */
export function classifyRestError(err: unknown, what: string): Error {
  if (err instanceof DiscordAPIError) {
    if (err.status >= 500)
      return new DiscordUnavailableError(`${what}: Discord answered ${err.status}`, { cause: err });
    return new DiscordRefusedError(
      err.status,
      err.code,
      `${what}: ${err.message} (${err.status}, code ${err.code})`,
      {
        cause: err,
      },
    );
  }
  if (err instanceof HTTPError) {
    return new DiscordUnavailableError(`${what}: Discord answered ${err.status}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DiscordUnavailableError(`${what}: ${message}`, { cause: err });
}

export const UNKNOWN_MESSAGE = RESTJSONErrorCodes.UnknownMessage;
export const UNKNOWN_INVITE = RESTJSONErrorCodes.UnknownInvite;
export const UNKNOWN_MEMBER = RESTJSONErrorCodes.UnknownMember;
export const UNKNOWN_BAN = RESTJSONErrorCodes.UnknownBan;
export const UNKNOWN_OVERWRITE = RESTJSONErrorCodes.UnknownPermissionOverwrite;
