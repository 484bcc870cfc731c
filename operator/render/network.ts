// Per-network ports the renderer needs, from the consensus core's network definitions.
import { builtinNetwork } from '../../services/core/networks/index.ts';
import type { NetworkName } from '../api/types.ts';

export interface NetworkDefaults {
  workerPort: number;
  p2pPort: number;
}

// A custom network's ports come from its file, which the operator does not read: the reference's
// customary ones are used unless the spec sets the Service ports.
const CUSTOM: NetworkDefaults = { workerPort: 9332, p2pPort: 9333 };

export function networkDefaults(name: NetworkName): NetworkDefaults {
  if (name === 'custom') return CUSTOM;
  const net = builtinNetwork(name);
  return { workerPort: net.WORKER_PORT, p2pPort: net.P2P_PORT };
}
