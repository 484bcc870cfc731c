/** Work and difficulty conversions (p2pool/bitcoin/data.py). */
const TWO256 = 1n << 256n;
const MAX = TWO256 - 1n;
const DIFF1_NUMERATOR = 0xffff0000n * (1n << 192n) + 1n;

/** Expected hashes to find a hash ≤ target; exact integer (`target_to_average_attempts`). */
export function targetToAverageAttempts(target: bigint): bigint {
  return TWO256 / (target + 1n);
}

/** Float-based as in the reference; used only for locally chosen targets. */
export function averageAttemptsToTarget(attempts: number): bigint {
  if (!(attempts > 0)) return MAX;
  return clampFloatToTarget(Number(TWO256) / attempts - 1 + 0.5);
}

export function targetToDifficulty(target: bigint): number {
  return Number(DIFF1_NUMERATOR) / Number(target + 1n);
}

export function difficultyToTarget(difficulty: number): bigint {
  if (difficulty === 0) return MAX;
  return clampFloatToTarget(Number(DIFF1_NUMERATOR) / difficulty - 1 + 0.5);
}

function clampFloatToTarget(x: number): bigint {
  if (!Number.isFinite(x) || x >= Number(TWO256)) return MAX;
  if (x < 0) return 0n;
  const v = BigInt(Math.trunc(x));
  return v > MAX ? MAX : v;
}
