// The file store's line format: the reference's `<type> <hex>` lines (§7.4: 5 = share wrapper hex,
// 2 = verified hash as %x) with a CRC-32 of the line appended, `<type> <hex> <crc32 8 hex>`, so a torn
// or bit-flipped line is detected instead of parsed. Lines without the CRC (a reference data dir) are
// still read: they are checked by parsing alone.
import { crc32 } from 'node:zlib';
import type { StoreRecord } from './types.ts';

export const TYPE_SHARE = '5';
export const TYPE_VERIFIED = '2';

export function encodeLine(r: StoreRecord): string {
  const body = r.kind === 'share' ? `${TYPE_SHARE} ${r.packed.toString('hex')}` : `${TYPE_VERIFIED} ${r.hash.toString(16)}`;
  return `${body} ${crc32(body).toString(16).padStart(8, '0')}\n`;
}

export type DecodedLine =
  | { ok: true; record: { kind: 'share'; packed: Buffer } | { kind: 'verified'; hash: bigint } | { kind: 'legacy' } }
  | { ok: false; reason: string };

const HEX = /^[0-9a-f]+$/;

/** Parses one line (without its newline). */
export function decodeLine(line: string): DecodedLine {
  const parts = line.split(' ');
  if (parts.length === 3) {
    const body = `${parts[0]} ${parts[1]}`;
    if (!/^[0-9a-f]{8}$/.test(parts[2]!) || crc32(body) !== parseInt(parts[2]!, 16)) return { ok: false, reason: 'checksum mismatch' };
  } else if (parts.length !== 2) {
    return { ok: false, reason: 'malformed line' };
  }
  const [type, data] = parts as [string, string];
  if (!HEX.test(data)) return { ok: false, reason: 'not hex' };
  if (type === TYPE_SHARE) {
    if (data.length % 2) return { ok: false, reason: 'odd hex length' };
    return { ok: true, record: { kind: 'share', packed: Buffer.from(data, 'hex') } };
  }
  if (type === TYPE_VERIFIED) {
    if (data.length > 64) return { ok: false, reason: 'hash too long' };
    return { ok: true, record: { kind: 'verified', hash: BigInt('0x' + data) } };
  }
  if (type === '0' || type === '1') return { ok: true, record: { kind: 'legacy' } };
  return { ok: false, reason: `unknown line type ${JSON.stringify(type.slice(0, 8))}` };
}

const SP = 0x20;

function isHexRange(buf: Buffer, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = buf[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return b > a;
}

/** decodeLine over bytes [start, end) of a file buffer: no per-file string, only the line's own bytes.
 *  A share's bytes are decoded into alloc(n) (default: a fresh Buffer). */
export function decodeLineBytes(buf: Buffer, start: number, end: number, alloc?: (n: number) => Buffer): DecodedLine {
  const s1 = buf.indexOf(SP, start);
  if (s1 < 0 || s1 >= end) return { ok: false, reason: 'malformed line' };
  let s2 = buf.indexOf(SP, s1 + 1);
  if (s2 >= end) s2 = -1;
  const dataEnd = s2 < 0 ? end : s2;
  if (s2 >= 0) {
    if (buf.indexOf(SP, s2 + 1) >= 0 && buf.indexOf(SP, s2 + 1) < end) return { ok: false, reason: 'malformed line' };
    if (end - s2 - 1 !== 8 || !isHexRange(buf, s2 + 1, end)) return { ok: false, reason: 'checksum mismatch' };
    if (crc32(buf.subarray(start, s2)) !== parseInt(buf.toString('latin1', s2 + 1, end), 16))
      return { ok: false, reason: 'checksum mismatch' };
  }
  if (!isHexRange(buf, s1 + 1, dataEnd)) return { ok: false, reason: 'not hex' };
  const type = buf.toString('latin1', start, s1);
  if (type === TYPE_SHARE) {
    if ((dataEnd - s1 - 1) % 2) return { ok: false, reason: 'odd hex length' };
    const hex = buf.toString('latin1', s1 + 1, dataEnd);
    if (!alloc) return { ok: true, record: { kind: 'share', packed: Buffer.from(hex, 'hex') } };
    const packed = alloc(hex.length >>> 1);
    packed.write(hex, 'hex');
    return { ok: true, record: { kind: 'share', packed } };
  }
  if (type === TYPE_VERIFIED) {
    if (dataEnd - s1 - 1 > 64) return { ok: false, reason: 'hash too long' };
    return { ok: true, record: { kind: 'verified', hash: BigInt('0x' + buf.toString('latin1', s1 + 1, dataEnd)) } };
  }
  if (type === '0' || type === '1') return { ok: true, record: { kind: 'legacy' } };
  return { ok: false, reason: `unknown line type ${JSON.stringify(type.slice(0, 8))}` };
}
