// Full-node RPC latency and errors, by method (from a fixed list, so labels stay bounded): recorded by
// the RPC client whichever service uses it.
import { lazyInstruments } from '../runtime/metrics.ts';

const METHODS = new Set([
  'getblocktemplate',
  'submitblock',
  'getblockchaininfo',
  'getblockheader',
  'getnetworkinfo',
  'getblock',
  'getbestblockhash',
  'validateaddress',
  'getaddressinfo',
  'getnewaddress',
  'getmininginfo',
  'getblockcount',
  'getblockhash',
  'getrawmempool',
]);

export function rpcMethodLabel(method: string): string {
  return METHODS.has(method) ? method : 'other';
}

export const fullNodeRpcMetrics = lazyInstruments('p2pool.template_builder', (m) => ({
  duration: m.createHistogram('p2pool.fullnode.rpc.duration', {
    unit: 'ms',
    description: 'full-node RPC call duration (retries included, long polls excluded), by method',
  }),
  errors: m.createCounter('p2pool.fullnode.rpc.errors', {
    description: 'full-node RPC calls that failed, by method and kind (transport, auth, rpc)',
  }),
}));
