// Proof-of-work arithmetic of a stratum v1 miner, written from the protocol (docs/protocol.md §8.3) and the
// coins' definitions: header hashes, difficulty → target with the scrypt coins' 65536 scaling,
// and the target test. No project code is imported: the miner is a client, and a second opinion.
import { hash, scryptSync } from 'node:crypto';

export type PowAlgorithm = 'sha256d' | 'scrypt';

/** Bitcoin's difficulty-1 target: 0xffff · 2^208. */
export const DIFF1_TARGET = 0xffffn << 208n;
const MAX_TARGET = (1n << 256n) - 1n;

export function sha256d(data: Uint8Array): Buffer {
  return hash('sha256', hash('sha256', data, 'buffer'), 'buffer');
}

/** The PoW hash of an 80-byte header, 32 bytes in internal (little-endian) order. */
export function powHash(algorithm: PowAlgorithm, header: Uint8Array): Buffer {
  if (algorithm === 'scrypt') return scryptSync(header, header, 32, { N: 1024, r: 1, p: 1, maxmem: 4 << 20 });
  return sha256d(header);
}

/**
 * Target for a stratum difficulty. Scrypt pools scale difficulty by 65536 ("DUMB_SCRYPT_DIFF"), so
 * a miner difficulty D means a hash difficulty D / multiplier.
 */
export function difficultyToTarget(difficulty: number, multiplier = 1): bigint {
  if (!(difficulty > 0) || !Number.isFinite(difficulty)) return MAX_TARGET;
  // Fixed point with 2^64 fractional resolution keeps tiny difficulties (regtest's 1e-12) exact enough;
  // a double above 2^53 is an integer, so BigInt() takes it as is.
  const scaled = BigInt(Math.round((difficulty / multiplier) * 2 ** 64)) || 1n;
  const t = (DIFF1_TARGET << 64n) / scaled;
  return t > MAX_TARGET ? MAX_TARGET : t;
}

/** Compact nbits → target. */
export function bitsToTarget(bits: number): bigint {
  const exp = bits >>> 24;
  const mant = BigInt(bits & 0x7fffff);
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

/** 32-byte little-endian form of a target, the layout hashes are compared in. */
export function targetToLE(target: bigint): Buffer {
  const out = Buffer.alloc(32);
  let t = target;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

/** hash ≤ target, both little-endian 32-byte numbers; compares from the most significant byte down. */
export function meetsTarget(hashLE: Uint8Array, targetLE: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const h = hashLE[i]!,
      t = targetLE[i]!;
    if (h !== t) return h < t;
  }
  return true;
}

export function hashToBigInt(hashLE: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(hashLE).reverse().toString('hex'));
}
