// A block solution straight to the configured full node: the edge's own path beside the template
// builder's (docs/bus.md, "Blocks"), so a solution reaches a node whatever the bus does.
import { setTimeout as sleep } from 'node:timers/promises';
import { coinParams } from '../pool/coins.ts';
import type { Network } from '../core/networks/index.ts';
import type { FullNodeConfig } from '../runtime/config.ts';
import { fullNodeChain } from '../runtime/network.ts';
import { RpcClient, hostForUrl } from './rpc/client.ts';
import { resolveCredentials } from './rpc/credentials.ts';
import { classifySubmitAnswer } from './submit-result.ts';

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
export function fullNodeBlockSubmitter(
  fn: FullNodeConfig,
  net: Network,
  opts: { giveUpMs?: number; maxBackoffMs?: number } = {},
): BlockSubmitter {
  const { coin, network } = fullNodeChain(net);
  const params = coinParams(coin, network);
  let rpc: RpcClient | undefined;
  let node = `${fn.host}:${fn.rpcPort ?? params.rpcPort}`;
  // Credentials are read on first use (a conf file or cookie may appear after the edge starts).
  const client = (): RpcClient => {
    if (rpc) return rpc;
    const creds = resolveCredentials(params, 'core', {
      user: fn.rpcUser,
      pass: fn.rpcPassword,
      ...(fn.confFile ? { confFile: fn.confFile } : {}),
    });
    const port = fn.rpcPort ?? creds.rpcPort ?? params.rpcPort;
    node = `${fn.host}:${port}`;
    rpc = new RpcClient({
      url: `http://${hostForUrl(fn.host)}:${port}`,
      user: creds.user,
      pass: creds.pass,
      nodeName: params.nodeName,
      timeoutMs: 30_000,
    });
    return rpc;
  };
  let closed = false;
  return {
    get node() {
      return node;
    },
    async submit(block, answeredElsewhere = () => false) {
      const hex = block.toString('hex');
      const end = Date.now() + (opts.giveUpMs ?? 30 * 60_000);
      let delay = 250;
      for (let attempts = 1; ; attempts++) {
        try {
          return { ...classifySubmitAnswer(await client().call('submitblock', [hex], { retries: 0 })), attempts };
        } catch (e) {
          if (answeredElsewhere()) return { status: 'answered-elsewhere', reason: (e as Error).message, attempts };
          if (closed || Date.now() + delay > end)
            throw new Error(`block not submitted to ${node} after ${attempts} attempts: ${(e as Error).message}`, { cause: e });
        }
        await sleep(delay, undefined, { ref: false });
        delay = Math.min(delay * 2, opts.maxBackoffMs ?? 5_000);
      }
    },
    close() {
      closed = true;
      rpc?.close();
    },
  };
}
