// Byte-order helpers for the miner-facing encodings (docs/protocol.md §8.3, §8.7, §11.9).

/** Reverses the byte order inside every 4-byte word ("swap4" in the reference). */
export function swap4(src: Uint8Array): Buffer {
  if (src.length % 4 !== 0) throw new RangeError('swap4 needs a multiple of 4 bytes');
  const out = Buffer.allocUnsafe(src.length);
  for (let i = 0; i < src.length; i += 4) {
    out[i] = src[i + 3]!;
    out[i + 1] = src[i + 2]!;
    out[i + 2] = src[i + 1]!;
    out[i + 3] = src[i]!;
  }
  return out;
}

/** A u32 as the 8 hex digits stratum uses for version, nbits and ntime (big-endian text). */
export function u32Hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Strict hex check: even length and nothing but hex digits. */
export function isHex(s: unknown, bytes?: number): s is string {
  if (typeof s !== 'string' || (s.length & 1) !== 0) return false;
  if (bytes !== undefined && s.length !== bytes * 2) return false;
  return HEX_RE.test(s);
}

/** Parses exactly 8 hex digits as a big-endian u32, or returns -1. */
export function parseU32Hex(s: unknown): number {
  if (typeof s !== 'string' || s.length !== 8 || !HEX_RE.test(s)) return -1;
  return parseInt(s, 16) >>> 0;
}

/** Reverse of a buffer into a new one (internal byte order <-> display order). */
export function reversed(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  out.reverse();
  return out;
}
