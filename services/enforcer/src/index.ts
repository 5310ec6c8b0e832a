export * from './actionLedger.ts';
export * from './describeViolations.ts';
export * from './enforceVerdict.ts';
export * from './liftTimeout.ts';
export * from './nextEscalation.ts';
export * from './violationStore.ts';
