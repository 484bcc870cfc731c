/** Compact "bits" targets (the reference's FloatingInteger). */

/** bits → target. The sign bit 0x00800000 is not special, as in the reference. */
export function bitsToTarget(bits: number): bigint {
  const exp = bits >>> 24;
  const mant = BigInt(bits & 0x00ffffff);
  return exp >= 3 ? mant << BigInt(8 * (exp - 3)) : mant >> BigInt(8 * (3 - exp));
}

/** target → bits, rounding down so that the encoded target is ≤ the input (`from_target_upper_bound`). */
export function targetToBits(target: bigint): number {
  if (target < 0n) throw new Error('negative target');
  let hex = target === 0n ? '' : target.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let n = Buffer.from(hex, 'hex');
  if (n.length && n[0]! >= 0x80) n = Buffer.concat([Buffer.from([0]), n]);
  const head = Buffer.concat([n, Buffer.alloc(3)]).subarray(0, 3);
  return ((n.length << 24) | (head[0]! << 16) | (head[1]! << 8) | head[2]!) >>> 0;
}
