export * from './discordErrors.ts';
export * from './discordPort.ts';
