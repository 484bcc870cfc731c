// The `make run` extras around the embedded node: a full node on loopback when none is configured, and
// the --demo-miner CPU miner. Both need the template builder (issue 4) and the edge (issue 5) to do
// anything useful, so for now this only says what is missing; it is the seam where they plug in.
import type { NodeConfig } from '../runtime/config.ts';
import type { Logger } from '../runtime/log.ts';

export interface Demo {
  stop(): Promise<void>;
}

export async function prepareDemo(config: NodeConfig, log: Logger): Promise<Demo | undefined> {
  if (config.demoMiner) {
    log.warn('--demo-miner is not available yet: it needs the edge (stratum) and template builder logic');
  }
  // Seam: when no full node is configured (no RPC credentials, default address), start litecoind on
  // regtest on loopback (plus the second node it needs before it serves templates), point
  // config.fullNode at it, and return a Demo that stops it.
  return undefined;
}
