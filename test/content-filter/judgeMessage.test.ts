import { randomBytes } from 'node:crypto';
import { defaultGuildConfig, type EventPayload, type GuildConfig } from '@chat-guard/events';
import { redisKeys } from '@chat-guard/store';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GuildInviteCodes } from '../../services/content-filter/src/guildInviteCodes.ts';
import { type JudgeDeps, judgeMessage } from '../../services/content-filter/src/judgeMessage.ts';
import { RedisSpamWindowStore } from '../../services/content-filter/src/redisSpamWindow.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

let guildId: string;
let config: GuildConfig;
let counter = 0;
beforeEach(() => {
  guildId = `11${BigInt(`0x${randomBytes(7).toString('hex')}`)
    .toString()
    .padStart(17, '0')}`.slice(0, 19);
  config = { ...defaultGuildConfig(), spamThreshold: 3, spamWindowSeconds: 10 };
});

function replica(): JudgeDeps {
  const invites = new GuildInviteCodes(redis, 0);
  return {
    config: () => config,
    inviteCodes: (g) => invites.of(g),
    spamWindow: new RedisSpamWindowStore(redis),
  };
}

function message(content: string, overrides: Partial<EventPayload<'message.created'>> = {}) {
  counter++;
  return {
    kind: 'created' as const,
    guildId,
    channelId: '1100000000000000100',
    messageId: `13000000000000${String(counter).padStart(5, '0')}`,
    authorId: '1300000000000000042',
    authorIsBot: false,
    content,
    mentionUserIds: [],
    mentionRoleIds: [],
    mentionsEveryone: false,
    memberRoleIds: [],
    memberPermissions: '0',
    createdAt: 1_732_000_000_000 + counter * 100,
    ...overrides,
  };
}

describe('the content-filter service', () => {
  it("counts one author's messages across replicas through Redis", async () => {
    const [a, b] = [replica(), replica()];
    const verdicts = [];
    // spamThreshold 3: the third message within the window is spam, whichever replica sees it.
    for (const [i, deps] of [a, b, a].entries()) {
      verdicts.push(await judgeMessage(deps, message(`different message number ${i}`)));
    }
    expect(verdicts.slice(0, 2)).toEqual([undefined, undefined]);
    expect(verdicts[2]?.violations.map((v) => v.type)).toEqual(['spam']);
  });

  it('does not count a redelivered message twice', async () => {
    const deps = replica();
    const once = message('hello');
    for (let i = 0; i < 5; i++) expect(await judgeMessage(deps, once)).toBeUndefined();
  });

  it('passes over a whitelisted role and a bot without touching the spam window', async () => {
    config = { ...config, whiteListRoles: ['1100000000000000500'] };
    const deps = replica();
    for (let i = 0; i < 5; i++) {
      expect(
        await judgeMessage(deps, message('discord.gg/abc', { memberRoleIds: ['1100000000000000500'] })),
      ).toBeUndefined();
      expect(await judgeMessage(deps, message('discord.gg/abc', { authorIsBot: true }))).toBeUndefined();
    }
    expect(await redis.exists(redisKeys.spamWindow(guildId, '1300000000000000042'))).toBe(0);
  });

  it("allows the guild's own invites and flags others, with a hash and never the content", async () => {
    await redis.hset(redisKeys.invites(guildId), 'ourcode', '{}');
    const deps = replica();
    expect(await judgeMessage(deps, message('join us at discord.gg/ourcode'))).toBeUndefined();
    const verdict = await judgeMessage(deps, message('join discord.gg/theirs now'));
    expect(verdict?.violations.map((v) => v.type)).toEqual(['invite']);
    expect(verdict?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(verdict?.revision).toBe(0);
    await redis.del(redisKeys.invites(guildId));
  });

  it('checks an edited message again, as a new revision', async () => {
    const deps = replica();
    const created = message('hello');
    expect(await judgeMessage(deps, created)).toBeUndefined();
    const edited = {
      ...created,
      kind: 'updated' as const,
      content: 'hello discord.gg/raid',
      editedAt: created.createdAt + 5_000,
    };
    const verdict = await judgeMessage(deps, edited);
    expect(verdict).toMatchObject({ messageId: created.messageId, revision: edited.editedAt });
  });
});
