import type { GatewayGuildCreateDispatchData, GatewayReadyDispatchData } from 'discord-api-types/v10';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { apiChannel, apiGuild, apiMember, apiUser, userOf } from './payloads.ts';
import type { SandboxGuild, SandboxState } from './sandboxState.ts';

/** The READY a session gets: the bot, its application and its shard's guilds as unavailable stubs. */
export function readyPayload(
  state: SandboxState,
  guildIds: readonly string[],
  sessionId: string,
  resumeUrl: string,
  shard: [number, number],
): GatewayReadyDispatchData {
  const ready: GatewayReadyDispatchData & Record<string, unknown> = {
    v: 10,
    user: { ...apiUser(userOf(state, state.botUserId)), verified: true, mfa_enabled: false },
    guilds: guildIds.map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard,
    application: {
      id: state.application.id,
      flags: state.application.flags,
      flags_new: String(state.application.flags),
    },
    user_settings: {},
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    session_type: 'normal',
    auth: {},
  };
  return ready;
}

/** GUILD_CREATE for one guild; without GUILD_MEMBERS only the bot's own member is listed, as Discord does. */
export function guildCreatePayload(
  state: SandboxState,
  guild: SandboxGuild,
  intents: number,
  largeThreshold: number,
): GatewayGuildCreateDispatchData {
  const memberCount = Object.keys(guild.members).length;
  const large = memberCount > largeThreshold;
  const everyone = (intents & GatewayIntentBits.GuildMembers) !== 0 && !large;
  const members = Object.values(guild.members).filter((m) => everyone || m.userId === state.botUserId);
  const bot = guild.members[state.botUserId];
  return {
    ...apiGuild(guild),
    joined_at: new Date(bot?.joinedAt ?? 0).toISOString(),
    large,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members: members.map((m) => apiMember(state, m)),
    channels: Object.values(guild.channels).map(apiChannel),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
