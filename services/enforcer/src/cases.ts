// What other services may use of the enforcer's cases: the read-only queries and the appeal
// rules and ids (`@chat-guard/enforcer/cases`).
export * from './appealRules.ts';
export * from './caseQueries.ts';
