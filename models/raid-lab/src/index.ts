export { generateA } from './generators/a/index.ts';
export { generateB } from './generators/b/index.ts';
export {
  EPISODES,
  type Episode,
  type GuildScenario,
  type GuildTrace,
  RAID_FAMILIES,
  type RaidFamily,
  SURGE_KINDS,
  type SurgeKind,
  type TraceGenerator,
} from './generators/scenario.ts';
