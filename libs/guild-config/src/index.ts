export * from './configRows.ts';
export * from './guildConfigCache.ts';
export * from './updateGuildConfig.ts';
