// The consensus-backed WorkSource and ShareSink of the edge (see README.md).
export { CoreWorkSource } from './core-work-source.ts';
export type { CoreWorkOptions, CoreWorkStats, CoreWorkLog } from './core-work-source.ts';
export { CoreShareSink } from './core-share-sink.ts';
export type { CoreShareSinkOptions, CoreShareSinkStats, BlockMeta, ShareMeta, AuxSolution } from './core-share-sink.ts';
export { auxCommitmentFromMessage } from './aux-commitment.ts';
export type { LocalRates } from './targets.ts';
export type { JobPayload, GenerationMode, AuxCommitment } from './job-builder.ts';
export { isJobPayload, coinbaseScript } from './job-builder.ts';
export { selectTransactions, strippedLength } from './tx-selection.ts';
export type { TxSelection } from './tx-selection.ts';
export { gentxWithWitness, blockForSolution } from './block-assembly.ts';
