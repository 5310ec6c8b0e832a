import type { EventPayload, GuildConfig, ViolationType } from '@chat-guard/events';
import type { SpamRecord } from './spamWindow.ts';

/** What the filter reads of a message: the `message.created` (or `message.updated`) payload's fields. */
export type MessageToCheck = Pick<
  EventPayload<'message.created'>,
  | 'guildId'
  | 'channelId'
  | 'messageId'
  | 'authorId'
  | 'content'
  | 'mentionUserIds'
  | 'mentionRoleIds'
  | 'mentionsEveryone'
  | 'memberRoleIds'
  | 'memberPermissions'
>;

/** The author's spam window around this message. */
export interface SpamInput {
  /** The author's earlier records in the window, oldest first (what `SpamWindowStore.recordAndList` returns). */
  readonly recent: readonly SpamRecord[];
  /** This message's record (`spamRecordOf(content, createdAt)`). */
  readonly incoming: SpamRecord;
}

/** Everything besides the message that a check needs. */
export interface CheckContext {
  readonly config: GuildConfig;
  /** The guild's own invite codes and vanity code: invites to them are allowed. */
  readonly allowedInviteCodes: ReadonlySet<string>;
  /** Omit for an edited message: an edit is not a new message, so it cannot be spam. */
  readonly spam?: SpamInput;
}

/** One broken rule, with a detail an admin can read (never more than a short excerpt of the content). */
export interface Violation {
  readonly type: ViolationType;
  readonly detail: string;
}
