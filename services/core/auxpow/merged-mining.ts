// The merged-mining commitment a parent coinbase carries (docs/merged-mining.md):
// fa be 6d 6d || aux merkle root (32 bytes, big-endian: the display order) || u32 tree size || u32 merkle nonce.
import { DecodeError } from '../codec/errors.ts';

export const MERGED_MINING_MAGIC = Buffer.from([0xfa, 0xbe, 0x6d, 0x6d]);
/** Bytes of the commitment: magic, root, size, nonce. */
export const MERGED_MINING_DATA_SIZE = 44;

export interface MergedMiningData {
  /** Aux merkle root as a 256-bit value (held like every core hash: raw bytes read little-endian). */
  root: bigint;
  treeSize: number;
  merkleNonce: number;
}

/** The 44 bytes pushed into the parent coinbase script. */
export function encodeMergedMiningData(d: MergedMiningData): Buffer {
  const out = Buffer.alloc(MERGED_MINING_DATA_SIZE);
  MERGED_MINING_MAGIC.copy(out, 0);
  out.write(d.root.toString(16).padStart(64, '0'), 4, 32, 'hex');
  out.writeUInt32LE(d.treeSize >>> 0, 36);
  out.writeUInt32LE(d.merkleNonce >>> 0, 40);
  return out;
}

/** The first commitment in a coinbase script (what V36 reads, spec p2pool-v36 §8.6), or null without the magic. */
export function findMergedMiningData(script: Uint8Array): MergedMiningData | null {
  const buf = Buffer.from(script.buffer, script.byteOffset, script.byteLength);
  const p = buf.indexOf(MERGED_MINING_MAGIC);
  if (p < 0) return null;
  if (buf.length - p - 4 < 40) throw new DecodeError('mm_data', p, 'mm_data too short');
  return {
    root: BigInt('0x' + buf.toString('hex', p + 4, p + 36)),
    treeSize: buf.readUInt32LE(p + 36),
    merkleNonce: buf.readUInt32LE(p + 40),
  };
}
