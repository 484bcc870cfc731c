export * from './weights.ts';
export * from './amounts.ts';
