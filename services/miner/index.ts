// The CPU miner (`--demo-miner`): a stratum v1 client of the worker port. See README.md.
export { CpuMiner } from './cpu-miner.ts';
export type { CpuMinerOptions, CpuMinerStats } from './cpu-miner.ts';
export { StratumConnection } from './stratum-client.ts';
export type { RpcReply, RpcError } from './stratum-client.ts';
export { parseNotify, headerFor, extranonce2For } from './job.ts';
export type { NotifyJob } from './job.ts';
export { powHash, difficultyToTarget, bitsToTarget, meetsTarget, targetToLE, DIFF1_TARGET } from './pow.ts';
export type { PowAlgorithm } from './pow.ts';
