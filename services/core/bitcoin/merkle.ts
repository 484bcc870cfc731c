import { hash256 } from '../crypto/hash.ts';
import { writeU256LE } from './uint256.ts';

export function merklePair(left: bigint, right: bigint): bigint {
  const buf = Buffer.allocUnsafe(64);
  writeU256LE(buf, 0, left);
  writeU256LE(buf, 32, right);
  return hash256(buf);
}

/** Merkle root of a list of hashes (empty → 0); odd levels duplicate their last item. */
export function merkleRoot(hashes: readonly bigint[]): bigint {
  if (hashes.length === 0) return 0n;
  let level = hashes.slice();
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(merklePair(level[i]!, level[i + 1] ?? level[i]!));
    level = next;
  }
  return level[0]!;
}

/**
 * Branch from leaf 0 to the root, where leaf 0 (the coinbase) is not known yet: p2pool's
 * `calculate_merkle_link([None] + hashes, 0)`. `others` are the leaves after the coinbase.
 */
export function coinbaseMerkleBranch(others: readonly bigint[]): bigint[] {
  const branch: bigint[] = [];
  // level[0] stands for the unknown path node; only siblings and the nodes right of it are hashed.
  let level: (bigint | null)[] = [null, ...others];
  while (level.length > 1) {
    branch.push(level[1]!);
    const next: (bigint | null)[] = [null];
    for (let i = 2; i < level.length; i += 2) next.push(merklePair(level[i]!, level[i + 1] ?? level[i]!));
    level = next;
  }
  return branch;
}

export interface MerkleLink {
  branch: bigint[];
  index: number;
}

/** Fold a leaf up a merkle branch (`check_merkle_link`). */
export function checkMerkleLink(leaf: bigint, branch: readonly bigint[], index = 0): bigint {
  if (branch.length < 31 && index >= 2 ** branch.length) throw new Error('merkle link index out of range');
  let h = leaf;
  for (let k = 0; k < branch.length; k++) {
    h = (index >> k) & 1 ? merklePair(branch[k]!, h) : merklePair(h, branch[k]!);
  }
  return h;
}
