// Block-header reconstruction from stratum work (docs/protocol.md §8.3 "Submit → header"):
//   coinbase    = coinb1 || extranonce1 || extranonce2 || coinb2
//   merkle root = fold of sha256d(root || branch[i]) starting from sha256d(coinbase)
//   header      = version | prevhash | merkle root | ntime | bits | nonce   (all little-endian)
import { sha256d } from './sha256.ts';
import { swap4, u32Hex } from './bytes.ts';

export function buildCoinbase(coinb1: Uint8Array, en1: Uint8Array, en2: Uint8Array, coinb2: Uint8Array): Buffer {
  return Buffer.concat([coinb1, en1, en2, coinb2]);
}

// One scratch buffer for branch folding: the edge is single-threaded and never awaits inside a
// header computation, so sharing it avoids an allocation per branch level.
const pair = Buffer.allocUnsafe(64);

/** Merkle root (internal byte order) of a leaf-0 hash and its branch (p2pool's merkle_link). */
export function merkleRootFromBranch(leaf: Uint8Array, branch: readonly Uint8Array[]): Buffer {
  let cur: Buffer = Buffer.from(leaf);
  for (const b of branch) {
    pair.set(cur, 0);
    pair.set(b, 32);
    cur = sha256d(pair);
  }
  return cur;
}

export function coinbaseMerkleRoot(
  coinb1: Uint8Array,
  en1: Uint8Array,
  en2: Uint8Array,
  coinb2: Uint8Array,
  branch: readonly Uint8Array[],
): Buffer {
  return merkleRootFromBranch(sha256d(buildCoinbase(coinb1, en1, en2, coinb2)), branch);
}

/** The 80-byte header writer is the core's (one for the edge, the pool and the tests). */
export { writeHeaderBytes as writeHeader, type RawHeaderFields as HeaderFields } from '../../core/bitcoin/header.ts';

/** mining.notify's prevhash: the internal-order bytes with every 4-byte word reversed. */
export function stratumPrevHash(prevHash: Uint8Array): string {
  return swap4(prevHash).toString('hex');
}

/** Decodes a stratum prevhash string back to internal byte order. */
export function prevHashFromStratum(hex: string): Buffer {
  return swap4(Buffer.from(hex, 'hex'));
}

export { u32Hex };
