import { checkMerkleLink } from '../bitcoin/merkle.ts';
import { readU256 } from '../codec/reader.ts';
import { hash256 } from '../crypto/hash.ts';
import { txid } from '../bitcoin/tx.ts';
import type { Tracker } from '../tracker/forest.ts';
import type { MergedCoinbaseEntry } from '../share/types.ts';
import { canonicalMergedCoinbase } from './coinbase.ts';
import { findMergedMiningData } from '../auxpow/merged-mining.ts';
import type { MergedAddressLookup } from './lookup.ts';
import { mergedWeights, type MergedPayoutItem } from './weights.ts';

/** Dogecoin's AuxPoW chain id: the only merged chain V36 shares commit to. */
export const DOGE_CHAIN_ID = 98;
export const KNOWN_MERGED_CHAIN_IDS: ReadonlySet<number> = new Set([DOGE_CHAIN_ID]);

/** The parent coinbase's merged-mining commitment (the first `fabe6d6d` anywhere), as V36 reads it. */
function commitmentOf(coinbase: Buffer): { auxRoot: bigint; auxSize: number } {
  let mm: ReturnType<typeof findMergedMiningData>;
  try {
    mm = findMergedMiningData(coinbase);
  } catch {
    throw new MergedCommitmentError('mm_data too short');
  }
  if (!mm) throw new MergedCommitmentError('merged_coinbase_info present but no mm_data in coinbase');
  return { auxRoot: mm.root, auxSize: mm.treeSize };
}

export class MergedCommitmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergedCommitmentError';
  }
}

export interface MergedCommitmentInput<T extends MergedPayoutItem> {
  tracker: Tracker<T>;
  lookup: MergedAddressLookup | null;
  realChainLength: number;
  previousShareHash: bigint | null;
  /** The share's parent-chain coinbase scriptSig (share_data.coinbase). */
  coinbase: Buffer;
  entries: readonly MergedCoinbaseEntry[] | null | undefined;
}

/**
 * `verify_merged_coinbase_commitment` (docs/consensus-core.md, V36 §8.6): each known chain's block
 * header must commit, through the coinbase merkle link, to the canonical merged coinbase for the
 * weights below the share, and the parent coinbase's mm_data must commit to that header. Checked
 * only once the chain below holds REAL_CHAIN_LENGTH shares. Throws MergedCommitmentError.
 */
export function verifyMergedCoinbaseCommitment<T extends MergedPayoutItem>(input: MergedCommitmentInput<T>): void {
  const { entries, tracker } = input;
  if (!entries || entries.length === 0) return;
  const { auxRoot, auxSize } = commitmentOf(input.coinbase);
  const prev = input.previousShareHash;
  if (prev === null) return;
  const height = tracker.getHeight(prev);
  if (height === 0 || height < input.realChainLength) return;
  for (const e of entries) {
    if (!KNOWN_MERGED_CHAIN_IDS.has(e.chainId)) continue;
    const w = mergedWeights(tracker, prev, Math.min(height, input.realChainLength), e.chainId, input.lookup);
    if (w.weights.size === 0 || w.total === 0n) continue;
    const cb = canonicalMergedCoinbase(w, e.coinbaseValue, e.blockHeight, e.coinbaseScript.length ? e.coinbaseScript : undefined);
    const root = checkMerkleLink(txid(cb.tx), e.coinbaseMerkleBranch, 0);
    const headerRoot = readU256(e.blockHeader, 36);
    if (root !== headerRoot)
      throw new MergedCommitmentError(`canonical merkle_root ${root.toString(16)} != header merkle_root ${headerRoot.toString(16)}`);
    if (auxSize === 1) {
      if (hash256(e.blockHeader) !== auxRoot) throw new MergedCommitmentError('merged block hash verification failed');
    } else throw new MergedCommitmentError(`aux tree size ${auxSize} does not match the single merged chain`);
  }
}
