export * from './attributeJoins.ts';
export * from './attributionStore.ts';
export * from './inviteSnapshots.ts';
export * from './joinBatcher.ts';
export * from './recordAttribution.ts';
export * from './refreshSnapshot.ts';
