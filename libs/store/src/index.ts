export * from './connect.ts';
export * from './ensureDatabase.ts';
export * from './gateState.ts';
export * from './lockdownState.ts';
export * from './migrate.ts';
export * from './redisKeys.ts';
export type * from './schema.ts';
export * from './tableOwners.ts';
