export * from './connectWithRetry.ts';
export * from './env.ts';
export * from './logger.ts';
export * from './opsServer.ts';
export * from './periodic.ts';
export * from './service.ts';
export * from './telemetry.ts';
export * from './version.ts';
