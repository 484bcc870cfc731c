export * from './weights.ts';
export * from './amounts.ts';
export * from './decayed.ts';
