// The template builder's public entry, for the composer (services/cli/): its service shell, and the
// full node's RPC client that `make run` uses on the regtest litecoind it starts. No other service
// reaches the full node: they ask the template builder over its contract.
export { createTemplateBuilderServer } from './server.ts';
export { RpcClient } from './rpc/client.ts';
export { RpcError, RPC_IN_WARMUP } from './rpc/errors.ts';
