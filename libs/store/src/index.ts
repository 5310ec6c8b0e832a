export * from './connect.ts';
export * from './ensureDatabase.ts';
export * from './migrate.ts';
export * from './redisKeys.ts';
export type * from './schema.ts';
