// The aux merkle tree: one leaf per merged chain, at the slot the chain's own consensus expects for
// (merkle nonce, chain id, tree height) — the LCG of Namecoin's CAuxPow::getExpectedIndex, which
// Dogecoin shares. Empty slots hold zero. docs/merged-mining.md.
import { merklePair } from '../bitcoin/merkle.ts';

/** Slot of `chainId` in a tree of height `height` (2^height leaves) under `nonce`: 32-bit arithmetic as in C. */
export function expectedIndex(nonce: number, chainId: number, height: number): number {
  let rand = (Math.imul(nonce >>> 0, 1103515245) + 12345) >>> 0;
  rand = (rand + (chainId >>> 0)) >>> 0;
  rand = (Math.imul(rand, 1103515245) + 12345) >>> 0;
  return height >= 32 ? rand : rand % 2 ** height;
}

export interface AuxLeaf {
  chainId: number;
  /** Aux block hash (core order: raw bytes read little-endian). */
  hash: bigint;
}

export interface AuxTree {
  size: number;
  height: number;
  merkleNonce: number;
  root: bigint;
  /** Slot per chain id. */
  slots: Map<number, number>;
  /** Merkle branch per chain id (siblings from the leaf up). */
  branches: Map<number, bigint[]>;
}

/** Chains' aux trees are at most 2^30 leaves (CAuxPow::check rejects longer chain branches). */
export const MAX_AUX_TREE_HEIGHT = 30;

export interface AuxTreeOptions {
  /** Nonces to try per size before a bigger tree (0 first: the reference's choice for one chain). */
  noncesPerSize?: number;
  /** A fixed layout (tests): exactly this size and nonce, or an error on a collision. */
  size?: number;
  merkleNonce?: number;
}

/**
 * Smallest tree (then lowest nonce) in which every chain has its own slot. Chain ids must be
 * distinct: two chains with one id cannot share a commitment.
 */
export function buildAuxTree(leaves: readonly AuxLeaf[], o: AuxTreeOptions = {}): AuxTree {
  if (leaves.length === 0) throw new Error('aux tree needs at least one chain');
  const ids = new Set(leaves.map((l) => l.chainId));
  if (ids.size !== leaves.length) throw new Error('two merged chains have the same chain id');
  if (o.size !== undefined) {
    const height = Math.log2(o.size);
    if (!Number.isInteger(height) || height > MAX_AUX_TREE_HEIGHT)
      throw new Error(`aux tree size ${o.size} is not a power of two up to 2^30`);
    const slots = slotsFor(leaves, o.merkleNonce ?? 0, height);
    if (slots === null) throw new Error(`chains collide in an aux tree of size ${o.size} with nonce ${o.merkleNonce ?? 0}`);
    return treeOf(leaves, slots, height, o.merkleNonce ?? 0);
  }
  const tries = o.noncesPerSize ?? 64;
  for (let height = Math.ceil(Math.log2(leaves.length)); height <= MAX_AUX_TREE_HEIGHT; height++) {
    for (let nonce = 0; nonce < tries; nonce++) {
      const slots = slotsFor(leaves, nonce, height);
      if (slots !== null) return treeOf(leaves, slots, height, nonce);
    }
  }
  throw new Error('no aux tree layout found');
}

function slotsFor(leaves: readonly AuxLeaf[], nonce: number, height: number): Map<number, number> | null {
  const slots = new Map<number, number>();
  const used = new Set<number>();
  for (const l of leaves) {
    const s = expectedIndex(nonce, l.chainId, height);
    if (used.has(s)) return null;
    used.add(s);
    slots.set(l.chainId, s);
  }
  return slots;
}

function treeOf(leaves: readonly AuxLeaf[], slots: Map<number, number>, height: number, merkleNonce: number): AuxTree {
  const size = 2 ** height;
  // Levels are sparse: a tree of 2^20 slots for two chains is mostly zero subtrees.
  const zero: bigint[] = [0n];
  for (let k = 1; k <= height; k++) zero.push(merklePair(zero[k - 1]!, zero[k - 1]!));
  let level = new Map<number, bigint>();
  for (const l of leaves) level.set(slots.get(l.chainId)!, l.hash);
  const branches = new Map<number, bigint[]>(leaves.map((l) => [l.chainId, []]));
  const pos = new Map<number, number>(leaves.map((l) => [l.chainId, slots.get(l.chainId)!]));
  for (let k = 0; k < height; k++) {
    for (const [id, p] of pos) {
      branches.get(id)!.push(level.get(p ^ 1) ?? zero[k]!);
      pos.set(id, p >> 1);
    }
    const next = new Map<number, bigint>();
    for (const p of level.keys()) {
      const parent = p >> 1;
      if (next.has(parent)) continue;
      next.set(parent, merklePair(level.get(parent * 2) ?? zero[k]!, level.get(parent * 2 + 1) ?? zero[k]!));
    }
    level = next;
  }
  const root = level.get(0)!;
  return { size, height, merkleNonce, root, slots, branches };
}

/**
 * Fold a leaf up a branch as merged-mining chains do (CAuxPow::CheckMerkleBranch): index bits past
 * the branch are ignored and -1 means "no branch" (zero), so an out-of-range index cannot throw here;
 * the checks around it reject it.
 */
export function foldMerkleBranch(hash: bigint, branch: readonly bigint[], index: number): bigint {
  if (index === -1) return 0n;
  let h = hash;
  let i = index;
  for (const sibling of branch) {
    h = i & 1 ? merklePair(sibling, h) : merklePair(h, sibling);
    i >>= 1;
  }
  return h;
}
