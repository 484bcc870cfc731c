/** 256-bit values: held as bigint (raw bytes read little-endian), shown as 64 big-endian hex digits. */
export const U256_MAX = (1n << 256n) - 1n;

export function u256ToHex(n: bigint): string {
  return n.toString(16).padStart(64, '0');
}

export function hexToU256(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) throw new Error(`not a 256-bit hex value: ${hex}`);
  return BigInt('0x' + hex);
}

export function u256ToLE(n: bigint): Buffer {
  const out = Buffer.alloc(32);
  out.writeBigUInt64LE(n & 0xffffffffffffffffn, 0);
  out.writeBigUInt64LE((n >> 64n) & 0xffffffffffffffffn, 8);
  out.writeBigUInt64LE((n >> 128n) & 0xffffffffffffffffn, 16);
  out.writeBigUInt64LE(n >> 192n, 24);
  return out;
}

export function u256FromLE(buf: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(buf).reverse().toString('hex') || '0'));
}
