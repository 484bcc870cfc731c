// Merkle computations over raw 32-byte hashes. The core's bigint versions are the reference for
// shares; this is the hot path for templates of thousands of transactions, where converting every
// level to and from bigint would cost more than the hashing itself.
import { hash } from 'node:crypto';

function pair(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', hash('sha256', Buffer.concat([left, right], 64), 'buffer'), 'buffer');
}

/** Root of the tree whose leaves are `leaves` (raw little-endian order); odd levels repeat their last. */
export function merkleRootRaw(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.alloc(32);
  let level = leaves as Buffer[];
  while (level.length > 1) {
    const next: Buffer[] = new Array(Math.ceil(level.length / 2));
    for (let i = 0; i < level.length; i += 2) next[i >> 1] = pair(level[i]!, level[i + 1] ?? level[i]!);
    level = next;
  }
  return level[0]!;
}

/**
 * The coinbase's merkle branch: siblings from leaf 0 (the coinbase, not known yet) to the root,
 * for the leaves `others` that follow it. Same result as p2pool's calculate_merkle_link([None]+others, 0).
 */
export function coinbaseBranchRaw(others: readonly Buffer[]): Buffer[] {
  const branch: Buffer[] = [];
  // Position 0 of each level is the unknown path node; only the rest is hashed.
  let rest = others as Buffer[];
  while (rest.length > 0) {
    branch.push(rest[0]!);
    const tail = rest.length - 1;
    const next: Buffer[] = new Array(Math.ceil(tail / 2));
    for (let i = 1; i < rest.length; i += 2) next[(i - 1) >> 1] = pair(rest[i]!, rest[i + 1] ?? rest[i]!);
    rest = next;
  }
  return branch;
}

/** Folds the coinbase's hash up its branch (index 0): the block's merkle root. */
export function rootFromBranchRaw(leaf: Buffer, branch: readonly Buffer[]): Buffer {
  let h = leaf;
  for (const b of branch) h = pair(h, b);
  return h;
}
