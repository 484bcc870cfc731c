// getwork's 128-byte `data`, `hash1`, `target` and `midstate` (docs/protocol.md §8.7, vectors in §11.9).
import { swap4 } from './bytes.ts';
import { sha256MidstateWords } from './sha256.ts';

// SHA-256 padding of an 80-byte message: 0x80, zeros, then the bit length 640 (big-endian).
const HEADER_PADDING = Buffer.from(
  '800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000280',
  'hex',
);

export const GETWORK_HASH1 =
  '00000000000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000010000';

/** `data` = swap4(header || SHA-256 padding), as hex. */
export function getworkData(header80: Uint8Array): string {
  return swap4(Buffer.concat([header80, HEADER_PADDING])).toString('hex');
}

/** Inverse of getworkData: the 80-byte header from a submitted `data` string, or null if malformed. */
export function headerFromGetworkData(dataHex: string): Buffer | null {
  if (typeof dataHex !== 'string' || dataHex.length < 160 || !/^[0-9a-fA-F]+$/.test(dataHex) || dataHex.length % 8 !== 0) return null;
  return swap4(Buffer.from(dataHex.slice(0, 160), 'hex'));
}

/** The target as 32 little-endian bytes in hex. */
export function getworkTarget(target: bigint): string {
  return Buffer.from(target.toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
}

/** swap4 of the SHA-256 state after the first 64 header bytes. */
export function getworkMidstate(header80: Uint8Array): string {
  const words = sha256MidstateWords(header80.subarray(0, 64));
  const out = Buffer.allocUnsafe(32);
  for (let i = 0; i < 8; i++) out.writeUInt32LE(words[i]!, 4 * i);
  return out.toString('hex');
}
