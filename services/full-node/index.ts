// The full node adapter: its JSON-RPC client, credentials lookup, submitblock answers, and a block
// submitter. The template builder is its user (templates, submission, the wallet); the edge uses only
// the block submitter, its second path for a solution; cli's demo drives the regtest litecoind it
// starts. No other service reaches the full node: they ask the template builder over its contract.
export { RpcClient, hostForUrl } from './rpc/client.ts';
export { resolveCredentials } from './rpc/credentials.ts';
export { RpcError, RPC_IN_WARMUP } from './rpc/errors.ts';
export { classifySubmitAnswer, combineResults, type SubmitResult, type SubmitStatus, type NodeSubmitResult } from './submit-result.ts';
export { fullNodeBlockSubmitter, type BlockSubmitter } from './block-submitter.ts';
