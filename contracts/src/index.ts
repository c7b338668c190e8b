export * from './api/index.ts';
export * from './events.ts';
export * from './ids.ts';
export * from './names.ts';
export * from './realtime.ts';
export * from './streams.ts';
export * from './upcasting.ts';
