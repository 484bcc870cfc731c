// Dogecoin merged mining as V36 consensus (docs/consensus-core.md, V36): merged PPLNS weights,
// merged_payout_hash, the canonical merged coinbase, and the commitment check. Work generation
// (the aux service) and verification use these same functions.
export * from './lookup.ts';
export * from './weights.ts';
export * from './payout-hash.ts';
export * from './coinbase.ts';
export * from './commitment.ts';
