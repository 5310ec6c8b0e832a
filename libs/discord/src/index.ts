export * from './discordErrors.ts';
export { observeRest } from './discordMetrics.ts';
export * from './discordPort.ts';
