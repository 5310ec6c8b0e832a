export * from './campaignStats.ts';
export * from './campaigns.ts';
export * from './dropOffs.ts';
export * from './inviteCounts.ts';
export * from './joinHistory.ts';
export * from './joinSources.ts';
