// The full node as configured on the command line (--bitcoind-address, --bitcoind-rpc-port,
// --bitcoind-p2p-port, positional user/password): the template builder's node entry, and a wallet for
// the payout address when -a is not given.
import { coinParams } from '../pool/coins.ts';
import type { FullNodeConfig as TemplateNodeConfig } from './node.ts';
import { hostForUrl, resolveCredentials, RpcClient } from '../full-node/index.ts';
import type { Network } from '../core/networks/index.ts';
import type { FullNodeConfig } from '../runtime/config.ts';
import { fullNodeChain } from '../runtime/network.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function templateNodeConfig(fn: FullNodeConfig, net: Network): TemplateNodeConfig {
  const { coin, network } = fullNodeChain(net);
  const params = coinParams(coin, network);
  // On loopback without a port, leave the URL out: the builder then reads rpcport from the coin's conf
  // file as the reference does.
  const rpcUrl =
    fn.rpcPort === undefined && LOOPBACK.has(fn.host) ? undefined : `http://${hostForUrl(fn.host)}:${fn.rpcPort ?? params.rpcPort}`;
  return {
    ...(rpcUrl ? { rpcUrl } : {}),
    ...(fn.rpcPassword !== undefined ? { user: fn.rpcUser ?? '', pass: fn.rpcPassword } : {}),
    ...(fn.p2pPort !== undefined ? { p2p: { host: fn.host, port: fn.p2pPort } } : {}),
    ...(fn.confFile ? { confFile: fn.confFile } : {}),
  };
}

// getnewaddress on the full node's wallet, for resolvePayout (services/sharechain/payout.ts).
export function fullNodeWallet(fn: FullNodeConfig, net: Network): { newAddress(): Promise<string>; isMine(a: string): Promise<boolean> } {
  const { coin, network } = fullNodeChain(net);
  const params0 = coinParams(coin, network);
  const creds = resolveCredentials(params0, 'core', {
    user: fn.rpcUser,
    pass: fn.rpcPassword,
    ...(fn.confFile ? { confFile: fn.confFile } : {}),
  });
  const port = fn.rpcPort ?? creds.rpcPort ?? params0.rpcPort;
  // One short-lived client per call: these run once at start.
  const call = async <T>(method: string, params: unknown[]): Promise<T> => {
    const rpc = new RpcClient({
      url: `http://${hostForUrl(fn.host)}:${port}`,
      user: creds.user,
      pass: creds.pass,
      nodeName: params0.nodeName,
      timeoutMs: 30_000,
      retries: 3,
    });
    try {
      return await rpc.call<T>(method, params);
    } finally {
      rpc.close();
    }
  };
  return {
    newAddress: () => call<string>('getnewaddress', []),
    async isMine(address: string) {
      try {
        return (await call<{ ismine?: boolean }>('getaddressinfo', [address])).ismine === true;
      } catch {
        // No wallet or an old node: trust the cached address rather than fail the start.
        return true;
      }
    },
  };
}
