export {
  formatJoinTrace,
  formatLabels,
  type JoinTraceEvent,
  labelsPathFor,
  parseJoinTrace,
  parseLabels,
  TraceFormatError,
  type TraceLabel,
} from '@chat-guard/join-trace';
export { DiscordHttpError, isDiscordHttpError, JoinRejectedError, SandboxUsageError } from './errors.ts';
export type { ServerErrorOptions, StormOptions } from './faults.ts';
export type { GuildInfo } from './guildInfo.ts';
export { BOT_PERMISSIONS, CHANNEL_NAMES, type GuildSpec } from './guildSeed.ts';
export {
  type ActionFilter,
  ActionTimeoutError,
  type BotAction,
  type BotActionKind,
  type RestCall,
} from './inspection.ts';
export type { ButtonClickInput, ModalSubmitInput, OptionValue, SlashCommandInput } from './interactions.ts';
export { basePermissions, channelPermissions, outranks } from './permissions.ts';
export { Prng } from './prng.ts';
export { JOIN_SOURCE, type MemberSearchMode } from './routes/memberSearchRoutes.ts';
export { type Sandbox, type SandboxOptions, startSandbox } from './sandbox.ts';
export type { SandboxActions } from './sandboxActions.ts';
export type * from './sandboxState.ts';
export { DISCORD_EPOCH_MS, shardOf, snowflakeAt, snowflakeTimestamp } from './snowflake.ts';
export type { GenerateOptions, TrafficControl } from './trafficControl.ts';
export {
  generateTraffic,
  isScenario,
  SCENARIOS,
  type ScenarioName,
  type TrafficGuild,
  type TrafficOptions,
  type TrafficPlan,
} from './trafficGenerator.ts';
export { applyTraceEvent, type PlayOptions, type PlayStats, playTrace } from './trafficPlayer.ts';
export {
  type JoinInput,
  type NewUser,
  type PostMessageInput,
  UserActionRejectedError,
} from './userActions.ts';
