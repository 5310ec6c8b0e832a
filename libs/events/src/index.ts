export * from './defineEvent.ts';
export * from './discordEvents.ts';
export * from './eventMap.ts';
export * from './guildConfig.ts';
export * from './ids.ts';
export * from './moderationEvents.ts';
export * from './signalEvents.ts';
export * from './topology.ts';
