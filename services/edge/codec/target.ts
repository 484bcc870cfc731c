// Targets, difficulties and compact bits. Kept local to the edge until services/core/bitcoin/bits.ts
// lands; these are the reference's definitions (docs/protocol.md §2.2, §2.3).

export const MAX_U256 = (1n << 256n) - 1n;
/** Difficulty 1 target: 0xffff · 2^208 (the reference's target_to_difficulty base). */
export const DIFF1_TARGET = 0xffffn << 208n;

export function bitsToTarget(bits: number): bigint {
  const exp = bits >>> 24;
  const mant = BigInt(bits & 0x007fffff);
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

export function targetToDifficulty(target: bigint): number {
  if (target <= 0n) return Infinity;
  // Scale by 2^64 so that tiny difficulties (easy test targets) keep their precision.
  return Number((DIFF1_TARGET << 64n) / target) / 2 ** 64;
}

export function difficultyToTarget(difficulty: number): bigint {
  if (!(difficulty > 0) || !Number.isFinite(difficulty)) return MAX_U256;
  const scaled = BigInt(Math.max(1, Math.round(difficulty * 2 ** 32)));
  const t = (DIFF1_TARGET << 32n) / scaled;
  return t > MAX_U256 ? MAX_U256 : t < 1n ? 1n : t;
}

/** Expected hashes per solution at this target: 2^256 / (target + 1), as a float. */
export function targetToAttempts(target: bigint): number {
  return Number((1n << 256n) / (target + 1n));
}

export function clampTarget(t: bigint, lo: bigint, hi: bigint): bigint {
  return t < lo ? lo : t > hi ? hi : t;
}

/** 32-byte big-endian buffer of a target, for allocation-free comparisons against hashes. */
export function targetToBE(target: bigint): Buffer {
  return Buffer.from(target.toString(16).padStart(64, '0'), 'hex');
}

/**
 * True when the hash (32 bytes, internal little-endian order) read as a 256-bit integer is
 * at most the target (32 bytes, big-endian). No bigint is built on this hot path.
 */
export function hashMeetsTarget(hashLE: Uint8Array, targetBE: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const h = hashLE[31 - i]!,
      t = targetBE[i]!;
    if (h !== t) return h < t;
  }
  return true;
}

export { u256FromLE as hashToBigInt } from '../../core/bitcoin/uint256.ts';
