// What other services may use of the enforcer's lockdowns: read-only queries
// (`@chat-guard/enforcer/lockdowns`).
export * from './lockdownQueries.ts';
