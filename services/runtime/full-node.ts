// The full node as configured on the command line (--bitcoind-address, --bitcoind-rpc-port,
// --bitcoind-p2p-port, positional user/password): the template builder's node entry, and a wallet for
// the payout address when -a is not given.
import { coinParams } from '../template-builder/coins.ts';
import type { FullNodeConfig as TemplateNodeConfig } from '../template-builder/node.ts';
import { resolveCredentials } from '../template-builder/rpc/credentials.ts';
import { RpcClient } from '../template-builder/rpc/client.ts';
import { classifySubmitAnswer } from '../template-builder/submit-result.ts';
import type { Network } from '../core/networks/index.ts';
import type { FullNodeConfig } from './config.ts';
import { fullNodeChain } from './network.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function templateNodeConfig(fn: FullNodeConfig, net: Network): TemplateNodeConfig {
  const { coin, network } = fullNodeChain(net);
  const params = coinParams(coin, network);
  // On loopback without a port, leave the URL out: the builder then reads rpcport from the coin's conf
  // file as the reference does.
  const rpcUrl = fn.rpcPort === undefined && LOOPBACK.has(fn.host) ? undefined : `http://${hostForUrl(fn.host)}:${fn.rpcPort ?? params.rpcPort}`;
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
  const creds = resolveCredentials(params0, 'core', { user: fn.rpcUser, pass: fn.rpcPassword, ...(fn.confFile ? { confFile: fn.confFile } : {}) });
  const port = fn.rpcPort ?? creds.rpcPort ?? params0.rpcPort;
  // One short-lived client per call: these run once at start.
  const call = async <T>(method: string, params: unknown[]): Promise<T> => {
    const rpc = new RpcClient({ url: `http://${hostForUrl(fn.host)}:${port}`, user: creds.user, pass: creds.pass, nodeName: params0.nodeName, timeoutMs: 30_000, retries: 3 });
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

export interface BlockSubmitter {
  /** The node this submitter reaches, for logs. */
  readonly node: string;
  /** submitblock, retried until the node answers (or `giveUpMs` passes): the node's verdict. */
  submit(block: Buffer, answeredElsewhere?: () => boolean): Promise<{ status: string; reason?: string; attempts: number }>;
  close(): void;
}

/**
 * The edge's own path for a block solution to the configured full node, beside the template builder's
 * (docs/bus.md, "Blocks"): a solution must reach a node whatever the bus does. Transport failures and
 * node errors that are not an answer about the block are retried with backoff; an answer (accepted,
 * duplicate, rejected...) ends it.
 */
export function fullNodeBlockSubmitter(fn: FullNodeConfig, net: Network, opts: { giveUpMs?: number; maxBackoffMs?: number } = {}): BlockSubmitter {
  const { coin, network } = fullNodeChain(net);
  const params = coinParams(coin, network);
  let rpc: RpcClient | undefined;
  let node = `${fn.host}:${fn.rpcPort ?? params.rpcPort}`;
  // Credentials are read on first use (a conf file or cookie may appear after the edge starts).
  const client = (): RpcClient => {
    if (rpc) return rpc;
    const creds = resolveCredentials(params, 'core', { user: fn.rpcUser, pass: fn.rpcPassword, ...(fn.confFile ? { confFile: fn.confFile } : {}) });
    const port = fn.rpcPort ?? creds.rpcPort ?? params.rpcPort;
    node = `${fn.host}:${port}`;
    rpc = new RpcClient({ url: `http://${hostForUrl(fn.host)}:${port}`, user: creds.user, pass: creds.pass, nodeName: params.nodeName, timeoutMs: 30_000 });
    return rpc;
  };
  let closed = false;
  return {
    get node() { return node; },
    async submit(block, answeredElsewhere = () => false) {
      const hex = block.toString('hex');
      const end = Date.now() + (opts.giveUpMs ?? 30 * 60_000);
      let delay = 250;
      for (let attempts = 1; ; attempts++) {
        try {
          return { ...classifySubmitAnswer(await client().call('submitblock', [hex], { retries: 0 })), attempts };
        } catch (e) {
          if (answeredElsewhere()) return { status: 'answered-elsewhere', reason: (e as Error).message, attempts };
          if (closed || Date.now() + delay > end) throw new Error(`block not submitted to ${node} after ${attempts} attempts: ${(e as Error).message}`, { cause: e });
        }
        await new Promise((r) => setTimeout(r, delay).unref?.());
        delay = Math.min(delay * 2, opts.maxBackoffMs ?? 5_000);
      }
    },
    close() {
      closed = true;
      rpc?.close();
    },
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
