// V36's merged (Dogecoin) block as the work generator builds it (spec p2pool-v36 §8.5, last paragraph):
// the canonical merged coinbase over the merged PPLNS weights, the block header from the merged chain's
// template (version | 0x100, previous block, merkle root over [coinbase txid] + template txids, time,
// bits, nonce 0), its hash (the aux root the parent coinbase commits to), and the share's
// merged_coinbase_info entry. Also the full merged block for submitblock once an AuxPoW proves it.
import { coinbaseMerkleBranch, checkMerkleLink } from '../bitcoin/merkle.ts';
import { encodeHeader, type BlockHeader } from '../bitcoin/header.ts';
import { encodeTx, txid, type Tx } from '../bitcoin/tx.ts';
import { Writer } from '../codec/writer.ts';
import { hash256 } from '../crypto/hash.ts';
import { canonicalMergedCoinbase } from '../merged/coinbase.ts';
import type { MergedWeights } from '../merged/weights.ts';
import type { MergedCoinbaseEntry } from '../share/types.ts';
import { AUXPOW_VERSION_BIT, encodeAuxPow, type AuxPow } from './auxpow.ts';

/** What the merged chain's getblocktemplate gives that the block needs. */
export interface MergedTemplate {
  chainId: number;
  version: number;
  previousBlock: bigint;
  curtime: number;
  bits: number;
  height: bigint;
  coinbaseValue: bigint;
  /** The template's transaction ids, in block order (the coinbase comes before them). */
  txids: readonly bigint[];
}

export interface MergedBlockWork {
  coinbase: Tx;
  header: BlockHeader;
  headerBytes: Buffer;
  /** hash256 of the header: the aux tree leaf (with DOGE alone, the aux root). */
  hash: bigint;
  coinbaseBranch: bigint[];
  entry: MergedCoinbaseEntry;
}

export function mergedBlockWork(t: MergedTemplate, weights: MergedWeights): MergedBlockWork {
  const coinbase = canonicalMergedCoinbase(weights, t.coinbaseValue, t.height).tx;
  const coinbaseBranch = coinbaseMerkleBranch(t.txids);
  const header: BlockHeader = {
    version: (t.version | AUXPOW_VERSION_BIT) >>> 0,
    previousBlock: t.previousBlock,
    merkleRoot: checkMerkleLink(txid(coinbase), coinbaseBranch, 0),
    timestamp: t.curtime,
    bits: t.bits,
    nonce: 0,
  };
  const headerBytes = encodeHeader(header);
  return {
    coinbase,
    header,
    headerBytes,
    hash: hash256(headerBytes),
    coinbaseBranch,
    entry: {
      chainId: t.chainId,
      coinbaseValue: t.coinbaseValue,
      blockHeight: t.height,
      blockHeader: headerBytes,
      coinbaseMerkleBranch: coinbaseBranch,
      coinbaseScript: coinbase.inputs[0]!.script,
    },
  };
}

/** The merged block for submitblock: header, its AuxPoW, then the coinbase and the template's transactions (raw). */
export function assembleMergedBlock(
  w: Pick<MergedBlockWork, 'headerBytes' | 'coinbase'>,
  auxpow: AuxPow,
  templateTxs: readonly Uint8Array[],
): Buffer {
  const out = new Writer(1024)
    .bytes(w.headerBytes)
    .bytes(encodeAuxPow(auxpow))
    .varint(templateTxs.length + 1)
    .bytes(encodeTx(w.coinbase, false));
  for (const tx of templateTxs) out.bytes(tx);
  return out.toBuffer();
}
