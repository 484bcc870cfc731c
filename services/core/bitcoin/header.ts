import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { hash256 } from '../crypto/hash.ts';

export interface BlockHeader {
  version: number;
  /** 0n means None (the genesis block's parent). */
  previousBlock: bigint;
  merkleRoot: bigint;
  timestamp: number;
  bits: number;
  nonce: number;
}

export function writeHeader(w: Writer, h: BlockHeader): Writer {
  return w.u32(h.version).u256(h.previousBlock).u256(h.merkleRoot).u32(h.timestamp).u32(h.bits).u32(h.nonce);
}

/** A header's fields as raw bytes: hashes in internal (little-endian) order, 32 bytes each. */
export interface RawHeaderFields {
  version: number;
  prevHash: Uint8Array;
  merkleRoot: Uint8Array;
  ntime: number;
  bits: number;
  nonce: number;
}

/** Writes the 80-byte header into `out` (allocated when omitted): the hot paths' writer, no bigints. */
export function writeHeaderBytes(f: RawHeaderFields, out: Buffer = Buffer.allocUnsafe(80)): Buffer {
  out.writeUInt32LE(f.version >>> 0, 0);
  out.set(f.prevHash, 4);
  out.set(f.merkleRoot, 36);
  out.writeUInt32LE(f.ntime >>> 0, 68);
  out.writeUInt32LE(f.bits >>> 0, 72);
  out.writeUInt32LE(f.nonce >>> 0, 76);
  return out;
}

export function encodeHeader(h: BlockHeader): Buffer {
  return writeHeader(new Writer(80), h).toBuffer();
}

export function readHeader(r: Reader, field = 'header'): BlockHeader {
  return {
    version: r.u32(`${field}.version`),
    previousBlock: r.u256(`${field}.previous_block`),
    merkleRoot: r.u256(`${field}.merkle_root`),
    timestamp: r.u32(`${field}.timestamp`),
    bits: r.u32(`${field}.bits`),
    nonce: r.u32(`${field}.nonce`),
  };
}

export function decodeHeader(buf: Uint8Array): BlockHeader {
  const r = new Reader(buf);
  const h = readHeader(r);
  r.done('header');
  return h;
}

export function headerHash(h: BlockHeader): bigint {
  return hash256(encodeHeader(h));
}
