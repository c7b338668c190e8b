export * from './account.ts';
export * from './common.ts';
export * from './library.ts';
export * from './playback.ts';
export * from './tv.ts';
