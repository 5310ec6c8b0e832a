// What other services may use of the enforcer's lockdowns and gate steps: read-only queries
// (`@chat-guard/enforcer/lockdowns`).
export * from './gateQueries.ts';
export * from './lockdownQueries.ts';
