import type { EventPayload, GuildConfig } from '@chat-guard/events';
import { checkMessage, isExempt } from './checkMessage.ts';
import { contentHash } from './normalizeText.ts';
import { type SpamWindowStore, spamRecordOf } from './spamWindow.ts';
import type { SpamInput } from './types.ts';

export type Verdict = EventPayload<'verdict.violation'>;
type Created = EventPayload<'message.created'>;
type Updated = EventPayload<'message.updated'>;

export interface JudgeDeps {
  readonly config: (guildId: string) => GuildConfig;
  readonly inviteCodes: (guildId: string) => Promise<ReadonlySet<string>>;
  readonly spamWindow: SpamWindowStore;
}

/**
 * The verdict on a created or edited message, or undefined when it breaks no rule. Bots and
 * whitelisted members, roles and channels are passed over before any state is touched; an
 * edit is checked again, except for spam (an edit is not a new message).
 */
export async function judgeMessage(
  deps: JudgeDeps,
  message: ({ kind: 'created' } & Created) | ({ kind: 'updated' } & Updated),
): Promise<Verdict | undefined> {
  if (message.authorIsBot) return undefined;
  const config = deps.config(message.guildId);
  const allowedInviteCodes = await deps.inviteCodes(message.guildId);
  if (isExempt(message, { config, allowedInviteCodes })) return undefined;
  const at = message.kind === 'created' ? message.createdAt : message.editedAt;
  let spam: SpamInput | undefined;
  if (message.kind === 'created' && config.spamGuard) {
    const incoming = spamRecordOf(message.content, at);
    const windowMs = config.spamWindowSeconds * 1000;
    spam = {
      incoming,
      recent: await deps.spamWindow.recordAndList(message.guildId, message.authorId, incoming, windowMs),
    };
  }
  const violations = checkMessage(
    message,
    spam ? { config, allowedInviteCodes, spam } : { config, allowedInviteCodes },
  );
  if (violations.length === 0) return undefined;
  return {
    guildId: message.guildId,
    channelId: message.channelId,
    messageId: message.messageId,
    userId: message.authorId,
    violations,
    contentHash: contentHash(message.content),
    revision: message.kind === 'created' ? 0 : message.editedAt,
    detectedAt: at,
  };
}
