// Checks of the command line that need more than the flags themselves (the network's definition,
// the payout address against it), done before anything starts so a mistake exits 2 at once
// instead of a node that runs and never hands out work.
import { decodeAddress } from '../core/index.ts';
import type { Network } from '../core/index.ts';
import type { NodeConfig } from './config.ts';
import { nodeNetwork } from './network.ts';
import { UsageError } from './flags.ts';

export function preflight(config: NodeConfig): Network {
  let net: Network;
  try {
    net = nodeNetwork(config);
  } catch (e) {
    const what = config.netFile ? `--net-file ${config.netFile}` : `--net ${config.net}${config.testnet ? ' --testnet' : ''}`;
    throw new UsageError(`${what}: ${(e as Error).message}`);
  }
  if (config.address !== undefined) {
    try {
      decodeAddress(config.address, net.PARENT);
    } catch (e) {
      throw new UsageError(`-a/--address: ${(e as Error).message}; expected a ${net.PARENT.NAME} address for --net ${net.NAME}`);
    }
  }
  return net;
}
