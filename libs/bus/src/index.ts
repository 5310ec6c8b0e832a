export * from './bus.ts';
export * from './consume.ts';
export * from './deadLetter.ts';
export * from './deadLetterAdmin.ts';
export * from './errors.ts';
export * from './namespace.ts';
export * from './provision.ts';
