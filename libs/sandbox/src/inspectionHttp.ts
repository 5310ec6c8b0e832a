import { parseJoinTrace } from '@chat-guard/join-trace';
import { z } from 'zod';
import { describeGuild } from './guildInfo.ts';
import type { ExtraHandler } from './httpServer.ts';
import type { ActionFilter, BotActionKind } from './inspection.ts';
import type { InteractionActions } from './interactions.ts';
import { parseBody } from './restRouter.ts';
import type { Sandbox } from './sandbox.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { TrafficControl } from './trafficControl.ts';
import { SCENARIOS } from './trafficGenerator.ts';
import type { UserActions } from './userActions.ts';

export interface InspectionDeps {
  readonly core: SandboxCore;
  readonly users: UserActions;
  readonly interactions: InteractionActions;
  readonly faults: Sandbox['faults'];
  readonly traffic: TrafficControl;
  readonly describe: () => Record<string, unknown>;
  readonly log?: (message: string) => void;
}

const messageInput = z.object({
  channelId: z.string(),
  userId: z.string(),
  content: z.string(),
  guildId: z.string().optional(),
});
const memberInput = z.object({
  guildId: z.string(),
  inviteCode: z.string().nullable().optional(),
  user: z
    .object({
      id: z.string().optional(),
      username: z.string().optional(),
      globalName: z.string().nullable().optional(),
      avatar: z.string().nullable().optional(),
      createdAt: z.number().optional(),
    })
    .optional(),
});
const commandInput = z.object({
  channelId: z.string(),
  userId: z.string(),
  name: z.string(),
  guildId: z.string().optional(),
  group: z.string().optional(),
  subcommand: z.string().optional(),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const buttonInput = z.object({
  channelId: z.string(),
  userId: z.string(),
  messageId: z.string(),
  customId: z.string(),
});
const modalInput = z.object({
  interactionId: z.string(),
  values: z.record(z.string(), z.string()),
});
const faultInput = z.object({
  rateLimitStorm: z
    .object({
      share: z.number().min(0).max(1),
      retryAfterMs: z.number().optional(),
      global: z.boolean().optional(),
      times: z.number().optional(),
    })
    .optional(),
  serverErrors: z
    .object({
      share: z.number().min(0).max(1),
      status: z.number().int().min(500).max(599).optional(),
      times: z.number().optional(),
      afterEffect: z.boolean().optional(),
    })
    .optional(),
  latency: z
    .object({
      ms: z.number().min(0),
      share: z.number().min(0).max(1).optional(),
      times: z.number().optional(),
    })
    .optional(),
  clear: z.boolean().optional(),
  memberSearch: z.enum(['normal', 'refuse', 'indexing', 'changed']).optional(),
  dropGatewayConnections: z.boolean().optional(),
  requestReconnect: z.boolean().optional(),
  invalidateGatewaySessions: z.boolean().optional(),
});

const trafficInput = z.object({
  scenario: z.enum(SCENARIOS),
  durationSec: z
    .number()
    .positive()
    .max(7 * 86400)
    .default(600),
  rate: z.number().positive().max(100).optional(),
  seed: z.number().int().min(0).optional(),
  speed: z.number().positive().optional(),
  guildIds: z.array(z.string()).optional(),
});

/** What `GET /_sandbox` lists: every endpoint of the inspection API, so a person can find their way. */
export const INSPECTION_ENDPOINTS: readonly { readonly route: string; readonly does: string }[] = [
  {
    route: 'GET /_sandbox/actions',
    does: 'what the bot did; filters: kind, guildId, channelId, userId, since (ms)',
  },
  { route: 'GET /_sandbox/guilds', does: "each guild's named channels, roles and people" },
  {
    route: 'GET /_sandbox/guilds/<id>',
    does: "one guild's full state: members, channels, invites, messages",
  },
  { route: 'GET /_sandbox/state', does: 'the whole sandbox state' },
  { route: 'GET /_sandbox/faults', does: 'the fault switches and the gateway sessions' },
  {
    route: 'POST /_sandbox/faults',
    does: 'switch faults: rateLimitStorm, serverErrors, latency, memberSearch, …',
  },
  { route: 'POST /_sandbox/messages', does: 'a member posts a message: {channelId, userId, content}' },
  { route: 'POST /_sandbox/members', does: 'someone joins: {guildId, inviteCode?, user?}' },
  { route: 'POST /_sandbox/interactions/command', does: 'a member runs a slash command' },
  { route: 'POST /_sandbox/interactions/button', does: 'a member clicks a button' },
  { route: 'POST /_sandbox/interactions/modal', does: 'a member submits a modal' },
  {
    route: 'POST /_sandbox/traffic',
    does: 'generate and play seeded traffic: {scenario, durationSec, rate?, speed?}',
  },
  { route: 'POST /_sandbox/replay', does: 'play a join trace (JSON Lines); ?speed=' },
];

/** Strips undefined values so zod output fits exact optional properties. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The inspection API over HTTP under `/_sandbox`: what the bot did, the state, fault switches, simulated users. */
export function inspectionHandler(deps: InspectionDeps): ExtraHandler {
  const { core } = deps;
  return async (method, path, query, body) => {
    const route = `${method} ${path.replace(/\/+$/, '') || '/'}`;
    if (route === 'GET /') return { status: 200, body: { endpoints: INSPECTION_ENDPOINTS } };
    if (route === 'GET /actions') {
      const filter: ActionFilter = defined({
        kind: (query.get('kind') ?? undefined) as BotActionKind | undefined,
        guildId: query.get('guildId') ?? undefined,
        channelId: query.get('channelId') ?? undefined,
        userId: query.get('userId') ?? undefined,
        since: query.has('since') ? Number(query.get('since')) : undefined,
      });
      return { status: 200, body: core.actions.list(filter) };
    }
    // The bot token stays out of it: whoever reads the state has no use for it.
    if (route === 'GET /state') return { status: 200, body: { ...core.state, token: '[redacted]' } };
    if (route === 'GET /guilds') {
      return {
        status: 200,
        body: Object.values(core.state.guilds).map((g) => describeGuild(g, core.state.botUserId)),
      };
    }
    const guildMatch = /^GET \/guilds\/(\d+)$/.exec(route);
    if (guildMatch?.[1]) return { status: 200, body: core.guild(guildMatch[1]) };
    if (route === 'GET /faults') return { status: 200, body: deps.describe() };
    if (route === 'POST /faults') {
      const input = parseBody(faultInput, body);
      if (input.clear) deps.faults.clear();
      if (input.rateLimitStorm)
        deps.faults.rateLimitStorm(input.rateLimitStorm.share, defined(input.rateLimitStorm));
      if (input.serverErrors) deps.faults.serverErrors(input.serverErrors.share, defined(input.serverErrors));
      if (input.latency)
        deps.faults.latency(input.latency.ms, input.latency.share ?? 1, defined(input.latency));
      if (input.memberSearch) deps.faults.memberSearch(input.memberSearch);
      const dropped = input.dropGatewayConnections ? deps.faults.dropGatewayConnections() : 0;
      if (input.requestReconnect) deps.faults.requestReconnect();
      const invalidated = input.invalidateGatewaySessions ? deps.faults.invalidateGatewaySessions() : 0;
      return { status: 200, body: { ...deps.describe(), dropped, invalidated } };
    }
    if (route === 'POST /messages')
      return { status: 200, body: deps.users.postMessage(defined(parseBody(messageInput, body))) };
    if (route === 'POST /members') {
      const input = parseBody(memberInput, body);
      return {
        status: 200,
        body: deps.users.addMember(defined({ ...input, user: input.user ? defined(input.user) : undefined })),
      };
    }
    if (route === 'POST /interactions/command') {
      const input = parseBody(commandInput, body);
      const interaction = deps.interactions.runSlashCommand(defined(input));
      return { status: 200, body: interaction };
    }
    if (route === 'POST /interactions/button')
      return { status: 200, body: deps.interactions.clickButton(parseBody(buttonInput, body)) };
    if (route === 'POST /interactions/modal')
      return { status: 200, body: deps.interactions.submitModal(parseBody(modalInput, body)) };
    if (route === 'POST /traffic') {
      const input = parseBody(trafficInput, body);
      const plan = deps.traffic.generate(
        defined({ ...input, durationMs: input.durationSec * 1000, durationSec: undefined, speed: undefined }),
      );
      void playInBackground(deps, plan.events, input.speed ?? 1);
      return { status: 200, body: { events: plan.events.length, labels: plan.labels } };
    }
    if (route === 'POST /replay') {
      const events = parseJoinTrace(typeof body === 'string' ? body : '');
      const speed = query.has('speed') ? Number(query.get('speed')) : Infinity;
      void playInBackground(deps, events, speed > 0 ? speed : Infinity);
      return { status: 200, body: { events: events.length } };
    }
    return null;
  };
}

/** Playback started over HTTP runs on its own; the sandbox stops it on close. */
async function playInBackground(
  deps: InspectionDeps,
  events: Parameters<TrafficControl['play']>[0],
  speed: number,
): Promise<void> {
  try {
    const stats = await deps.traffic.play(events, { speed });
    deps.log?.(`playback over HTTP: ${stats.applied} applied, ${stats.rejected} refused`);
  } catch (err) {
    deps.log?.(`playback over HTTP failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
