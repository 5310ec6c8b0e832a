import { RESTJSONErrorCodes } from 'discord-api-types/v10';

/** A REST failure answered the way Discord answers it: an HTTP status and a JSON error body. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DiscordHttpError';
  }

  /** The JSON body Discord sends with this error. */
  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

/** True when `err` is a Discord-shaped REST error. */
export function isDiscordHttpError(err: unknown): err is DiscordHttpError {
  return err instanceof DiscordHttpError;
}

const unknownMessages: Readonly<Record<number, string>> = {
  [RESTJSONErrorCodes.UnknownChannel]: 'Unknown Channel',
  [RESTJSONErrorCodes.UnknownGuild]: 'Unknown Guild',
  [RESTJSONErrorCodes.UnknownInvite]: 'Unknown Invite',
  [RESTJSONErrorCodes.UnknownMember]: 'Unknown Member',
  [RESTJSONErrorCodes.UnknownMessage]: 'Unknown Message',
  [RESTJSONErrorCodes.UnknownRole]: 'Unknown Role',
  [RESTJSONErrorCodes.UnknownUser]: 'Unknown User',
  [RESTJSONErrorCodes.UnknownBan]: 'Unknown Ban',
  [RESTJSONErrorCodes.UnknownWebhook]: 'Unknown Webhook',
  [RESTJSONErrorCodes.UnknownInteraction]: 'Unknown interaction',
  [RESTJSONErrorCodes.UnknownApplication]: 'Unknown Application',
};

/** 404 with the Discord error code for an unknown resource. */
export function unknown(code: RESTJSONErrorCodes): DiscordHttpError {
  return new DiscordHttpError(404, code, unknownMessages[code] ?? 'Not Found');
}

/** 403 50013 Missing Permissions. */
export function missingPermissions(): DiscordHttpError {
  return new DiscordHttpError(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions');
}

/** 403 50001 Missing Access (the bot cannot see the channel). */
export function missingAccess(): DiscordHttpError {
  return new DiscordHttpError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
}

/** 400 50035 Invalid Form Body with Discord's nested `errors` object for one field. */
export function invalidFormBody(field: string, code: string, message: string): DiscordHttpError {
  const errors: Record<string, unknown> = {};
  let node = errors;
  const parts = field.split('.');
  parts.forEach((part, i) => {
    const child: Record<string, unknown> = i === parts.length - 1 ? { _errors: [{ code, message }] } : {};
    node[part] = child;
    node = child;
  });
  return new DiscordHttpError(
    400,
    RESTJSONErrorCodes.InvalidFormBodyOrContentType,
    'Invalid Form Body',
    errors,
  );
}

/** A sandbox misuse by the caller of the in-process API (not a Discord error). */
export class SandboxUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUsageError';
  }
}

/** Discord would not let this user join now (banned, or invites paused by incident actions). */
export class JoinRejectedError extends Error {
  constructor(
    readonly guildId: string,
    readonly userId: string,
    readonly why: string,
  ) {
    super(`user ${userId} cannot join guild ${guildId}: ${why}`);
    this.name = 'JoinRejectedError';
  }
}
