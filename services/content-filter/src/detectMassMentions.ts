/** Discord permission bits this guard reads (discord-api-types' PermissionFlagsBits). */
export const Permission = {
  Administrator: 1n << 3n,
  MentionEveryone: 1n << 17n,
} as const;

/** Whether a decimal permission bitfield grants the permission; Administrator grants every one. */
export function hasPermission(bitfield: string, permission: bigint): boolean {
  if (!/^\d+$/.test(bitfield)) return false;
  const bits = BigInt(bitfield);
  return (bits & Permission.Administrator) !== 0n || (bits & permission) !== 0n;
}

/** The mentions of a message, as the gateway reports them. */
export interface Mentions {
  readonly mentionUserIds: readonly string[];
  readonly mentionRoleIds: readonly string[];
  readonly mentionsEveryone: boolean;
  readonly memberPermissions: string;
}

/** What is wrong with a message's mentions, if anything. */
export interface MassMentionFinding {
  /** Unique users plus unique roles mentioned, when over the threshold. */
  readonly mentionCount?: number;
  /** `@everyone`/`@here` from a member without the Mention Everyone permission. */
  readonly everyoneWithoutPermission: boolean;
}

/**
 * Mass mentions: more unique users and roles than `threshold` in one message, or `@everyone`/`@here`
 * from a member who may not use them.
 */
export function detectMassMentions(mentions: Mentions, threshold: number): MassMentionFinding | undefined {
  const count = new Set(mentions.mentionUserIds).size + new Set(mentions.mentionRoleIds).size;
  const everyoneWithoutPermission =
    mentions.mentionsEveryone && !hasPermission(mentions.memberPermissions, Permission.MentionEveryone);
  if (count <= threshold && !everyoneWithoutPermission) return undefined;
  return count > threshold
    ? { mentionCount: count, everyoneWithoutPermission }
    : { everyoneWithoutPermission };
}

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;
const EVERYONE = /@(?:everyone|here)\b/;

/** Mentions read from raw content (`<@id>`, `<@!id>`, `<@&id>`, `@everyone`, `@here`), as Discord parses them. */
export function mentionsInContent(content: string): {
  mentionUserIds: string[];
  mentionRoleIds: string[];
  mentionsEveryone: boolean;
} {
  return {
    mentionUserIds: [...content.matchAll(USER_MENTION)].map((m) => m[1] ?? ''),
    mentionRoleIds: [...content.matchAll(ROLE_MENTION)].map((m) => m[1] ?? ''),
    mentionsEveryone: mentionsEveryoneIn(content),
  };
}

/** Whether the content says `@everyone` or `@here`, whether or not Discord let it ping anyone. */
export function mentionsEveryoneIn(content: string): boolean {
  return EVERYONE.test(content);
}
