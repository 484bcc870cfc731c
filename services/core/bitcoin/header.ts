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
