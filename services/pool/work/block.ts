// Block assembly from work: header, then coinbase + template transactions in template order
// (Litecoin's HogEx stays last), then on MWEB chains the optional-MWEB marker 0x01 and the MWEB
// body, which is how litecoind's block serializer writes a block whose last tx is a HogEx.
import { encodeVarInt, hexFromLE, sha256d, writeHeaderBytes } from '../../core/index.ts';
import type { Work } from './template.ts';
import { rootFromBranchRaw } from './merkle.ts';

export interface HeaderFields {
  version: number;
  timestamp: number;
  nonce: number;
  bits?: number;
}

/** Merkle root of a block on `work` whose coinbase has txid `coinbaseTxidRaw` (raw bytes). */
export function blockMerkleRoot(work: Pick<Work, 'merkleBranchRaw'>, coinbaseTxidRaw: Buffer): Buffer {
  return rootFromBranchRaw(coinbaseTxidRaw, work.merkleBranchRaw);
}

export function encodeBlockHeader(
  work: Pick<Work, 'previousBlock' | 'bits' | 'previousBlockHex'>,
  merkleRootRaw: Buffer,
  f: HeaderFields,
): Buffer {
  return writeHeaderBytes({
    version: f.version,
    prevHash: Buffer.from(work.previousBlockHex, 'hex').reverse(),
    merkleRoot: merkleRootRaw,
    ntime: f.timestamp,
    bits: f.bits ?? work.bits,
    nonce: f.nonce,
  });
}

/** Display-order hex of a header's hash (the block hash RPC shows). */
export function headerHashHex(header80: Buffer): string {
  return hexFromLE(sha256d(header80));
}

/**
 * The serialized block. `coinbase` is the full coinbase serialization (with its witness when segwit),
 * which is what submitblock and the P2P block message both want.
 */
export function assembleBlock(work: Pick<Work, 'transactions' | 'mweb'>, header80: Buffer, coinbase: Buffer): Buffer {
  if (header80.length !== 80) throw new Error(`block header must be 80 bytes, got ${header80.length}`);
  const parts: Buffer[] = [header80, encodeVarInt(1 + work.transactions.length), coinbase];
  for (const tx of work.transactions) parts.push(tx.data);
  if (work.mweb) parts.push(Buffer.from([1]), work.mweb);
  return Buffer.concat(parts);
}
