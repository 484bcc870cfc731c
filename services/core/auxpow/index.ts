export * from './merged-mining.ts';
export * from './aux-tree.ts';
export * from './auxpow.ts';
export * from './check.ts';
export * from './chains.ts';
export * from './merged-block.ts';
