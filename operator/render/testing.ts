// Fixtures of the render tests: the operator's defaults and a minimal P2PoolNode `pool/ltc`.
import type { P2PoolNode } from '../api/types.ts';
import type { RenderDefaults } from './node.ts';

export const TEST_DEFAULTS: RenderDefaults = {
  imageRepository: 'localhost/p2pool-ts',
  version: '0.1.0',
  natsImage: 'localhost/nats:2.9.10',
};

/** `pool/ltc` on litecoin_regtest with one full node, and `extra` over its spec. */
export function testNode(extra: Partial<P2PoolNode['spec']> = {}): P2PoolNode {
  return {
    apiVersion: 'p2pool.dev/v1alpha1',
    kind: 'P2PoolNode',
    metadata: { name: 'ltc', namespace: 'pool', uid: 'u-1', generation: 1 },
    spec: {
      network: 'litecoin_regtest',
      fullNodes: [{ rpcUrl: 'http://10.96.0.50:19443', credentialsSecretRef: { name: 'ltc-rpc' } }],
      ...extra,
    },
  };
}
