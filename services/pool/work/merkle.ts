// Merkle computations over raw 32-byte hashes laid out back to back in one Buffer. The core's bigint
// versions are the reference for shares; this is the hot path for templates of thousands of
// transactions, where per-level allocations and bigint conversions would cost more than the hashing.
// Adjacent pairs are already contiguous, so each pair is hashed straight from a subarray view.
import { sha256d } from '../../core/index.ts';

/** One level up: `n` hashes starting at byte `start` of `level` → ceil(n/2) hashes. Odd levels repeat their last. */
function levelUp(level: Buffer, start: number, n: number): Buffer {
  const m = (n + 1) >> 1;
  const out = Buffer.allocUnsafe(m * 32);
  const pairs = n >> 1;
  for (let i = 0; i < pairs; i++) {
    sha256d(level.subarray(start + i * 64, start + i * 64 + 64)).copy(out, i * 32);
  }
  if (n & 1) {
    const last = level.subarray(start + (n - 1) * 32, start + n * 32);
    sha256d(Buffer.concat([last, last], 64)).copy(out, pairs * 32);
  }
  return out;
}

/** Root of the tree over `n` hashes packed in `leaves` (raw little-endian order). Empty → 32 zero bytes. */
export function merkleRootPacked(leaves: Buffer, n: number): Buffer {
  if (n === 0) return Buffer.alloc(32);
  let level = leaves;
  while (n > 1) {
    level = levelUp(level, 0, n);
    n = (n + 1) >> 1;
  }
  return Buffer.from(level.subarray(0, 32));
}

/**
 * The coinbase's merkle branch: siblings from leaf 0 (the coinbase, not known yet) to the root,
 * for the `n` packed hashes `others` that follow it. Same result as p2pool's
 * calculate_merkle_link([None] + others, 0).
 */
export function coinbaseBranchPacked(others: Buffer, n: number): Buffer[] {
  const branch: Buffer[] = [];
  // Position 0 of each level is the sibling of the unknown path node; the rest pairs up after it.
  let level = others;
  while (n > 0) {
    branch.push(Buffer.from(level.subarray(0, 32)));
    if (n === 1) break;
    level = levelUp(level, 32, n - 1);
    n = (n - 1 + 1) >> 1;
  }
  return branch;
}

export function merkleRootRaw(leaves: readonly Buffer[]): Buffer {
  return merkleRootPacked(Buffer.concat(leaves as Buffer[]), leaves.length);
}

export function coinbaseBranchRaw(others: readonly Buffer[]): Buffer[] {
  return coinbaseBranchPacked(Buffer.concat(others as Buffer[]), others.length);
}

/** Folds the coinbase's hash up its branch (index 0): the block's merkle root. */
export function rootFromBranchRaw(leaf: Buffer, branch: readonly Buffer[]): Buffer {
  let h = leaf;
  for (const b of branch) h = sha256d(Buffer.concat([h, b], 64));
  return h;
}
