// A real litecoind on regtest for tests that run the pool: the harness node (with its peer, so
// getblocktemplate works), MWEB kept off (the tests mine past height 431 without a peg-in), 101 blocks
// mined, and the p2pool flags that point a node at it with a fixed payout address.
import { regtestAddress } from '../harness/keys.ts';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';

export interface Chain {
  ltc: LitecoindNode;
  // The pool's payout address (-a): nobody holds its key, the coins are only counted.
  address: string;
  // --net, -a and the full-node flags.
  args: string[];
  stop(): Promise<void>;
}

export async function startChain(label = 'p2pool-ts e2e payout', net = 'litecoin_regtest'): Promise<Chain> {
  const ltc = await startLitecoind({ noMweb: true });
  try {
    await ltc.mine(101);
  } catch (e) {
    await ltc.stop();
    throw e;
  }
  return chainFor(ltc, label, net);
}

/** The pool's flags for a litecoind already running (its payout address from `label`). */
export function chainFor(ltc: LitecoindNode, label: string, net: string): Chain {
  const address = regtestAddress('litecoin', label);
  return {
    ltc,
    address,
    args: [
      '--net',
      net,
      '-a',
      address,
      '--bitcoind-address',
      '127.0.0.1',
      '--bitcoind-rpc-port',
      String(ltc.rpcPort),
      '--bitcoind-p2p-port',
      String(ltc.p2pPort),
      ltc.user,
      ltc.pass,
    ],
    stop: () => ltc.stop(),
  };
}

// Ports chosen by the kernel for everything a node listens on.
export const ANY_PORTS = ['--health-port', '0', '--web-port', '0', '--grpc-port', '0', '--p2pool-port', '0', '-w', '127.0.0.1:0'];
