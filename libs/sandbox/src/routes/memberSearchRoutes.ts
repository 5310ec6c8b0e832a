import { z } from 'zod';
import { invalidFormBody, missingPermissions } from '../errors.ts';
import { apiMember, userOf } from '../payloads.ts';
import { basePermissions, bits } from '../permissions.ts';
import { ok, param, type RouteDef } from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxGuild, SandboxMember } from '../sandboxState.ts';

/**
 * How the member search answers: `normal`; `refuse` (403 50013, as Discord answers a bot it
 * will not serve); `indexing` (202 with `retry_after`, the guild's index not built yet);
 * `changed` (200 in a shape no client knows, as an undocumented endpoint may change).
 */
export type MemberSearchMode = 'normal' | 'refuse' | 'indexing' | 'changed';

/** Discord's join source types, as the member search reports them. */
export const JOIN_SOURCE = {
  unspecified: 0,
  bot: 1,
  integration: 2,
  discovery: 3,
  hub: 4,
  invite: 5,
  vanityUrl: 6,
  manualVerification: 7,
} as const;

const snowflake = z.string().regex(/^\d{1,20}$/);
const orQuery = <T extends z.ZodType>(item: T) =>
  z.strictObject({ or_query: z.array(item).min(1).max(1000) });
const andOrQuery = <T extends z.ZodType>(item: T) =>
  z.union([
    z.strictObject({ or_query: z.array(item).min(1).max(100) }),
    z.strictObject({ and_query: z.array(item).min(1).max(100) }),
  ]);
const range = <T extends z.ZodType>(bound: T) =>
  z.strictObject({ range: z.strictObject({ gte: bound.optional(), lte: bound.optional() }) });
const filter = z.strictObject({
  user_id: z.union([orQuery(snowflake), range(snowflake)]).optional(),
  usernames: orQuery(z.string().min(1).max(100)).optional(),
  role_ids: andOrQuery(snowflake).optional(),
  guild_joined_at: range(z.number().int().nonnegative()).optional(),
  source_invite_code: orQuery(z.string().min(1).max(100)).optional(),
  join_source_type: orQuery(z.number().int().min(0).max(7)).optional(),
  is_pending: z.boolean().optional(),
  did_rejoin: z.boolean().optional(),
  safety_signals: z.looseObject({}).optional(),
});
const cursor = z.strictObject({ guild_joined_at: z.number().int().nonnegative(), user_id: snowflake });
const searchBody = z.strictObject({
  or_query: filter.optional(),
  and_query: filter.optional(),
  limit: z.number().int().min(1).max(1000).default(25),
  sort: z.number().int().min(1).max(4).default(1),
  after: cursor.optional(),
  before: cursor.optional(),
});
type Filter = z.infer<typeof filter>;

/** Parses the body with Discord's error codes for numbers out of range (NUMBER_TYPE_MIN/MAX). */
function parseSearch(body: unknown): z.infer<typeof searchBody> {
  const result = searchBody.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '_root';
  if (issue?.code === 'too_big' && issue.origin === 'number')
    throw invalidFormBody(
      field,
      'NUMBER_TYPE_MAX',
      `int value should be less than or equal to ${issue.maximum}.`,
    );
  if (issue?.code === 'too_small' && issue.origin === 'number')
    throw invalidFormBody(
      field,
      'NUMBER_TYPE_MIN',
      `int value should be greater than or equal to ${issue.minimum}.`,
    );
  throw invalidFormBody(field, 'BASE_TYPE_INVALID', issue?.message ?? 'Invalid Form Body');
}

/** How a member joined, as the search index keeps it. */
function joinSource(guild: SandboxGuild, member: SandboxMember, botUserId: string) {
  if (member.userId === botUserId) return { type: JOIN_SOURCE.bot, code: null, inviterId: null };
  if (member.inviteCode === 'vanity')
    return { type: JOIN_SOURCE.vanityUrl, code: member.joinCode ?? guild.vanityCode, inviterId: null };
  if (member.inviteCode)
    return { type: JOIN_SOURCE.invite, code: member.inviteCode, inviterId: member.inviterId ?? null };
  return { type: JOIN_SOURCE.unspecified, code: null, inviterId: null };
}

function matchesField(
  core: SandboxCore,
  guild: SandboxGuild,
  member: SandboxMember,
  name: keyof Filter,
  query: NonNullable<Filter[keyof Filter]>,
): boolean {
  const q = query as {
    or_query?: unknown[];
    and_query?: unknown[];
    range?: { gte?: unknown; lte?: unknown };
  };
  const within = (value: bigint | number) =>
    (q.range?.gte === undefined ||
      value >= (typeof value === 'bigint' ? BigInt(q.range.gte as string) : (q.range.gte as number))) &&
    (q.range?.lte === undefined ||
      value <= (typeof value === 'bigint' ? BigInt(q.range.lte as string) : (q.range.lte as number)));
  const source = joinSource(guild, member, core.state.botUserId);
  switch (name) {
    case 'user_id':
      return q.range ? within(BigInt(member.userId)) : (q.or_query ?? []).includes(member.userId);
    case 'guild_joined_at':
      return within(member.joinedAt);
    case 'usernames': {
      const user = userOf(core.state, member.userId);
      const names = [member.nick, user.username, user.globalName]
        .filter((n): n is string => n !== null)
        .map((n) => n.toLowerCase());
      return (q.or_query as string[]).some((prefix) => names.some((n) => n.startsWith(prefix.toLowerCase())));
    }
    case 'role_ids':
      return q.and_query
        ? (q.and_query as string[]).every((r) => member.roles.includes(r))
        : (q.or_query as string[]).some((r) => member.roles.includes(r));
    case 'source_invite_code':
      return source.code !== null && (q.or_query as string[]).includes(source.code);
    case 'join_source_type':
      return (q.or_query as number[]).includes(source.type);
    case 'is_pending':
      return query === false;
    case 'did_rejoin':
      return query === false;
    default:
      return true; // safety signals: no sandbox account carries one
  }
}

function matches(
  core: SandboxCore,
  guild: SandboxGuild,
  member: SandboxMember,
  filterSet: Filter,
  every: boolean,
) {
  const fields = Object.entries(filterSet).filter(([, v]) => v !== undefined) as [keyof Filter, never][];
  if (fields.length === 0) return true;
  const test = ([name, query]: [keyof Filter, never]) => matchesField(core, guild, member, name, query);
  return every ? fields.every(test) : fields.some(test);
}

const ORDER: Record<number, (a: SandboxMember, b: SandboxMember) => number> = {
  1: (a, b) => b.joinedAt - a.joinedAt || Number(BigInt(b.userId) - BigInt(a.userId)),
  2: (a, b) => a.joinedAt - b.joinedAt || Number(BigInt(a.userId) - BigInt(b.userId)),
  3: (a, b) => Number(BigInt(b.userId) - BigInt(a.userId)),
  4: (a, b) => Number(BigInt(a.userId) - BigInt(b.userId)),
};

/** Members that may search: any member-management permission, as bots find it answers. */
const SEARCH_PERMISSIONS = bits(
  'ManageGuild',
  'KickMembers',
  'BanMembers',
  'ModerateMembers',
  'ManageRoles',
  'ManageNicknames',
);

export const memberSearchRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/guilds/:guildId/members-search',
    // Discord documents no limit for this route; the sandbox's guess, per guild.
    bucket: { limit: 5, windowMs: 1_000 },
    handle(req, core: SandboxCore) {
      const guild = core.guild(param(req, 'guildId'));
      const mode = core.memberSearchMode;
      if (mode === 'refuse' || (basePermissions(guild, core.state.botUserId) & SEARCH_PERMISSIONS) === 0n)
        throw missingPermissions();
      const body = parseSearch(req.body);
      if (mode === 'indexing')
        return {
          status: 202,
          body: {
            message: 'Index not yet available. Try again later',
            code: 110000,
            documents_indexed: 0,
            retry_after: 5,
          },
        };
      const order = ORDER[body.sort] ?? ORDER[1];
      if (!order) throw new Error('no member order');
      const all = Object.values(guild.members)
        .filter(
          (m) =>
            matches(core, guild, m, body.and_query ?? {}, true) &&
            matches(core, guild, m, body.or_query ?? {}, false),
        )
        .sort(order);
      // A cursor names a place in the order: the members after (or before) it.
      const at = (c: z.infer<typeof cursor>) =>
        ({ joinedAt: c.guild_joined_at, userId: c.user_id }) as SandboxMember;
      const { after, before } = body;
      const page = all
        .filter((m) => (after ? order(at(after), m) < 0 : true) && (before ? order(m, at(before)) < 0 : true))
        .slice(0, body.limit);
      const members = page.map((m) => {
        const source = joinSource(guild, m, core.state.botUserId);
        return {
          member: apiMember(core.state, m),
          source_invite_code: source.code,
          join_source_type: source.type,
          inviter_id: source.inviterId,
        };
      });
      if (mode === 'changed')
        return ok({
          guild_id: guild.id,
          results: members.map((m) => ({ user: m.member.user, joined: m.member.joined_at })),
        });
      return ok({
        guild_id: guild.id,
        members,
        page_result_count: members.length,
        total_result_count: all.length,
      });
    },
  },
];
