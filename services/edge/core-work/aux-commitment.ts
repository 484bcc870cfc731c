// The aux service's AuxWork (proto/p2pool/v1/aux.proto) as the edge's jobs use it: the 44-byte
// merged-mining commitment for the coinbase and the easiest aux chain's target (docs/merged-mining.md).
import { encodeMergedMiningData, u256FromLE } from '../../core/index.ts';
import type { AuxWork } from '../../gen/p2pool/v1/aux.ts';
import type { AuxCommitment } from './job-builder.ts';

export function auxCommitmentFromMessage(w: AuxWork): AuxCommitment {
  if (w.merkleRoot.length !== 32) throw new Error(`aux work ${w.auxWorkId}: merkle_root is ${w.merkleRoot.length} bytes, not 32`);
  if (w.chains.length === 0) throw new Error(`aux work ${w.auxWorkId}: no chains`);
  if (w.treeSize < 1 || (w.treeSize & (w.treeSize - 1)) !== 0) throw new Error(`aux work ${w.auxWorkId}: tree size ${w.treeSize} is not a power of two`);
  let target = 0n;
  for (const c of w.chains) {
    if (c.target.length !== 32) throw new Error(`aux work ${w.auxWorkId}: chain ${c.chainId} target is ${c.target.length} bytes, not 32`);
    const t = u256FromLE(c.target);
    if (t > target) target = t;
  }
  const root = BigInt('0x' + Buffer.from(w.merkleRoot).toString('hex'));
  return { auxWorkId: w.auxWorkId, mmData: encodeMergedMiningData({ root, treeSize: w.treeSize, merkleNonce: w.merkleNonce }), target };
}
