/** 256-bit values: held as bigint (raw bytes read little-endian), shown as 64 big-endian hex digits. */
export const U256_MAX = (1n << 256n) - 1n;

export function u256ToHex(n: bigint): string {
  return n.toString(16).padStart(64, '0');
}

export function hexToU256(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) throw new Error(`not a 256-bit hex value: ${hex}`);
  return BigInt('0x' + hex);
}

/** Write a 256-bit value as 32 little-endian bytes (hex + reverse: twice as fast as 64-bit limbs). */
export function writeU256LE(buf: Buffer, offset: number, n: bigint): void {
  buf.write(n.toString(16).padStart(64, '0'), offset, 32, 'hex');
  buf.subarray(offset, offset + 32).reverse();
}

export function u256ToLE(n: bigint): Buffer {
  const out = Buffer.allocUnsafe(32);
  writeU256LE(out, 0, n);
  return out;
}

/** Display (big-endian) hex of little-endian bytes: a block or transaction hash as RPC shows it. */
export function hexFromLE(le: Uint8Array): string {
  return Buffer.from(le).reverse().toString('hex');
}

export function u256FromLE(buf: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(buf).reverse().toString('hex') || '0'));
}

/** Unsigned little-endian, as short as the value allows (empty for 0): big weights and chain work in the contracts. */
export function uintToLE(n: bigint): Uint8Array {
  const out: number[] = [];
  for (let x = n; x > 0n; x >>= 8n) out.push(Number(x & 0xffn));
  return Uint8Array.from(out);
}

export function uintFromLE(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}
