export * from './campaignStats.ts';
export * from './campaigns.ts';
export * from './joinHistory.ts';
