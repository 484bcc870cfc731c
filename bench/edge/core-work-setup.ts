// Shared set-up of the core-work benches: the cached 2×CHAIN_LENGTH litecoin-shaped chain in a
// tracker, a work basis on its tip for a block target whose PPLNS window spans the whole chain, and a
// 1 MB synthetic template (half segwit transactions) through the template builder's parser.
import { parseWrappedShare, ShareTracker, type Network } from '../../services/core/index.ts';
import type { WorkBasis } from '../../services/pool/work/basis.ts';
import { testBasis } from '../../services/pool/work/testing.ts';
import { syntheticWork } from '../../services/edge/core-work/testing.ts';
import type { Work } from '../../services/pool/work/template.ts';
import { benchChain, benchNetwork, SHARES } from '../core/chain-cache.ts';

// 0xffff · 2^224: att ≈ 65,537, so the window (65535 · SPREAD · att) covers REAL_CHAIN_LENGTH shares.
export const BLOCK_BITS = 0x1f00ffff;

export interface Setup {
  net: Network;
  tracker: ShareTracker;
  best: bigint;
  basis: WorkBasis;
  work: Work;
  shares: number;
  miners: number;
}

export function basisFor(net: Network, tracker: ShareTracker, best: bigint, basisId: number): WorkBasis {
  return testBasis(net, tracker, best, BLOCK_BITS, { basisId });
}

export function setup(): Setup {
  const net = benchNetwork('scrypt');
  const tracker = new ShareTracker();
  const shares = benchChain('scrypt').map((p) => parseWrappedShare(net, p));
  tracker.addMany(shares);
  const best = shares.at(-1)!.hash;
  const basis = basisFor(net, tracker, best, 1);
  const work = syntheticWork({ bytes: 1_000_000, bits: BLOCK_BITS, height: 2_500_000, curtime: Math.floor(Date.now() / 1000) });
  return { net, tracker, best, basis, work, shares: SHARES, miners: basis.pplns?.weights.size ?? 0 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
