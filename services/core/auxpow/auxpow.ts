// AuxPoW: the proof a merged (aux) chain accepts instead of its own proof of work — the parent
// block's coinbase, that coinbase's merkle branch in the parent block, the aux chain's branch in the
// aux tree, and the parent header. Serialized as Namecoin's CAuxPow (Dogecoin's is the same):
//   tx | hashBlock | vMerkleBranch | nIndex | vChainMerkleBranch | nChainIndex | parentBlock (80 bytes)
// docs/merged-mining.md.
import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { readTx, writeTx, type Tx } from '../bitcoin/tx.ts';
import { readHeader, writeHeader, type BlockHeader } from '../bitcoin/header.ts';

export interface AuxPow {
  /** The parent block's coinbase, as it was serialized (a witness coinbase keeps its witness). */
  coinbaseTx: Tx;
  /** CMerkleTx::hashBlock: the parent block's hash. Not checked by any chain; kept for byte-exact round trips. */
  parentBlockHash: bigint;
  /** Coinbase's merkle branch in the parent block; its index must be 0. */
  coinbaseBranch: bigint[];
  coinbaseIndex: number;
  /** The aux chain's branch in the aux tree and its slot. */
  chainBranch: bigint[];
  chainIndex: number;
  parentHeader: BlockHeader;
}

export function writeAuxPow(w: Writer, a: AuxPow): Writer {
  writeTx(w, a.coinbaseTx, true);
  w.u256(a.parentBlockHash);
  w.u256List(a.coinbaseBranch);
  w.u32(a.coinbaseIndex >>> 0);
  w.u256List(a.chainBranch);
  w.u32(a.chainIndex >>> 0);
  return writeHeader(w, a.parentHeader);
}

export function encodeAuxPow(a: AuxPow): Buffer {
  return writeAuxPow(new Writer(1024), a).toBuffer();
}

export function readAuxPow(r: Reader, field = 'auxpow'): AuxPow {
  const coinbaseTx = readTx(r, `${field}.tx`);
  const parentBlockHash = r.u256(`${field}.hashBlock`);
  const coinbaseBranch = r.u256List(`${field}.vMerkleBranch`);
  const coinbaseIndex = r.u32(`${field}.nIndex`) | 0;
  const chainBranch = r.u256List(`${field}.vChainMerkleBranch`);
  const chainIndex = r.u32(`${field}.nChainIndex`) | 0;
  const parentHeader = readHeader(r, `${field}.parentBlock`);
  return { coinbaseTx, parentBlockHash, coinbaseBranch, coinbaseIndex, chainBranch, chainIndex, parentHeader };
}

export function decodeAuxPow(buf: Uint8Array): AuxPow {
  const r = new Reader(buf);
  const a = readAuxPow(r);
  r.done('auxpow');
  return a;
}

/** An aux chain's block header followed by its AuxPoW (the block's version has the 0x100 bit). */
export interface AuxPowHeader {
  header: BlockHeader;
  /** The 80 header bytes (their sha256d is the aux block hash). */
  headerBytes: Buffer;
  auxpow: AuxPow;
}

export const AUXPOW_VERSION_BIT = 0x100;

export function decodeAuxPowHeader(buf: Uint8Array): AuxPowHeader {
  const r = new Reader(buf);
  const header = readHeader(r, 'header');
  if ((header.version & AUXPOW_VERSION_BIT) === 0) throw new Error('header has no auxpow (version lacks the 0x100 bit)');
  const auxpow = readAuxPow(r);
  r.done('auxpow header');
  return { header, headerBytes: Buffer.from(buf.subarray(0, 80)), auxpow };
}

/** Chain id a block version carries (bits 16..31 in merged-mining chains). */
export function chainIdOfVersion(version: number): number {
  return (version >>> 16) & 0xffff;
}

export interface AuxPowParts {
  coinbaseTx: Tx;
  parentHeader: BlockHeader;
  /** sha256d of the parent header (what the reference submits as hashBlock). */
  parentBlockHash: bigint;
  coinbaseBranch: readonly bigint[];
  chainBranch: readonly bigint[];
  chainIndex: number;
}

/** The AuxPoW for one aux chain from a parent solution and the aux tree it committed to. */
export function buildAuxPow(p: AuxPowParts): AuxPow {
  return {
    coinbaseTx: p.coinbaseTx,
    parentBlockHash: p.parentBlockHash,
    coinbaseBranch: [...p.coinbaseBranch],
    coinbaseIndex: 0,
    chainBranch: [...p.chainBranch],
    chainIndex: p.chainIndex,
    parentHeader: p.parentHeader,
  };
}
