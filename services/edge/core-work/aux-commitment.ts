// The aux service's AuxWork (proto/p2pool/v1/aux.proto) as the edge's jobs use it: the 44-byte
// merged-mining commitment for the coinbase and the easiest aux chain's target (docs/merged-mining.md).
import { DOGE_CHAIN_ID, encodeMergedMiningData, u256FromLE, type MergedTemplate } from '../../core/index.ts';
import type { AuxWork } from '../../gen/p2pool/v1/aux.ts';
import type { AuxCommitment } from './job-builder.ts';

export function auxCommitmentFromMessage(w: AuxWork): AuxCommitment {
  if (w.merkleRoot.length !== 32) throw new Error(`aux work ${w.auxWorkId}: merkle_root is ${w.merkleRoot.length} bytes, not 32`);
  if (w.chains.length === 0) throw new Error(`aux work ${w.auxWorkId}: no chains`);
  if (w.treeSize < 1 || (w.treeSize & (w.treeSize - 1)) !== 0)
    throw new Error(`aux work ${w.auxWorkId}: tree size ${w.treeSize} is not a power of two`);
  let target = 0n;
  for (const c of w.chains) {
    if (c.target.length !== 32) throw new Error(`aux work ${w.auxWorkId}: chain ${c.chainId} target is ${c.target.length} bytes, not 32`);
    const t = u256FromLE(c.target);
    if (t > target) target = t;
  }
  const root = BigInt('0x' + Buffer.from(w.merkleRoot).toString('hex'));
  // V36 commits to one merged block only (spec p2pool-v36 §8.6): a template counts when Dogecoin is alone.
  const only = w.chains.length === 1 ? w.chains[0]! : null;
  let mergedTemplate: MergedTemplate | null = null;
  if (only?.template && only.chainId === DOGE_CHAIN_ID) {
    const t = only.template;
    if (t.previousBlock.length !== 32 || t.txids.some((x) => x.length !== 32))
      throw new Error(`aux work ${w.auxWorkId}: malformed merged template`);
    mergedTemplate = {
      chainId: only.chainId,
      version: t.version,
      previousBlock: u256FromLE(t.previousBlock),
      curtime: t.curtime,
      bits: t.bits,
      height: t.height,
      coinbaseValue: t.coinbaseValue,
      txids: t.txids.map((x) => u256FromLE(x)),
    };
  }
  return {
    auxWorkId: w.auxWorkId,
    mmData: encodeMergedMiningData({ root, treeSize: w.treeSize, merkleNonce: w.merkleNonce }),
    target,
    mergedTemplate,
  };
}
