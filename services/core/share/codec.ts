import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { DecodeError, EncodeError } from '../codec/errors.ts';
import { U256_MAX } from '../bitcoin/uint256.ts';
import type { MergedAddress, MergedCoinbaseEntry, ShareContents, ShareData, ShareInfo, SegwitData, SmallBlockHeader } from './types.ts';
import type { ShareVersion } from './versions.ts';

/** How one version's share_info is laid out on a given network. */
export interface ShareLayout {
  rules: ShareVersion;
  segwit: boolean;
}

function readShareData(r: Reader, layout: ShareLayout): ShareData {
  const previousShareHash = r.optionalU256('share_data.previous_share_hash');
  const coinbase = r.varstr('share_data.coinbase');
  const nonce = r.u32('share_data.nonce');
  let pubkeyHash: Buffer | undefined;
  let address: string | undefined;
  let pubkeyType: number | undefined;
  const kind = layout.rules.layout;
  if (kind === 'B') address = r.varstr('share_data.address').toString('latin1');
  else pubkeyHash = r.bytes(20, 'share_data.pubkey_hash');
  if (kind === 'C') pubkeyType = r.u8('share_data.pubkey_type');
  const subsidy = kind === 'C' ? r.varintBig('share_data.subsidy') : r.u64('share_data.subsidy');
  const donation = r.u16('share_data.donation');
  const staleInfo = r.u8('share_data.stale_info');
  const desiredVersion = r.varint('share_data.desired_version');
  const d: ShareData = { previousShareHash, coinbase, nonce, pubkeyHash, address, subsidy, donation, staleInfo, desiredVersion };
  if (pubkeyType !== undefined) d.pubkeyType = pubkeyType;
  return d;
}

function readMergedAddresses(r: Reader): MergedAddress[] | null {
  const n = r.count('merged_addresses', 5);
  if (n === 0) return null;
  const out: MergedAddress[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { chainId: r.u32('merged_addresses.chain_id'), script: r.varstr('merged_addresses.script') };
  return out;
}

function readMergedCoinbaseInfo(r: Reader): MergedCoinbaseEntry[] | null {
  const n = r.count('merged_coinbase_info', 88);
  if (n === 0) return null;
  const out: MergedCoinbaseEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      chainId: r.u32('merged_coinbase_info.chain_id'),
      coinbaseValue: r.varintBig('merged_coinbase_info.coinbase_value'),
      blockHeight: r.varintBig('merged_coinbase_info.block_height'),
      blockHeader: r.bytes(80, 'merged_coinbase_info.block_header_bytes'),
      coinbaseMerkleBranch: r.u256List('merged_coinbase_info.coinbase_merkle_link.branch'),
      coinbaseScript: r.varstr('merged_coinbase_info.coinbase_script'),
    };
  }
  return out;
}

function writeMergedAddresses(w: Writer, list: MergedAddress[] | null | undefined): void {
  if (!list) {
    w.varint(0);
    return;
  }
  if (list.length === 0) throw new EncodeError('merged_addresses', 'an empty list is written as None');
  w.varint(list.length);
  for (const a of list) w.u32(a.chainId).varstr(a.script);
}

function writeMergedCoinbaseInfo(w: Writer, list: MergedCoinbaseEntry[] | null | undefined): void {
  if (!list) {
    w.varint(0);
    return;
  }
  if (list.length === 0) throw new EncodeError('merged_coinbase_info', 'an empty list is written as None');
  w.varint(list.length);
  for (const e of list) {
    if (e.blockHeader.length !== 80) throw new EncodeError('merged_coinbase_info.block_header_bytes', 'must be 80 bytes');
    w.u32(e.chainId)
      .varint(e.coinbaseValue)
      .varint(e.blockHeight)
      .bytes(e.blockHeader)
      .u256List(e.coinbaseMerkleBranch)
      .varstr(e.coinbaseScript);
  }
}

/** Layout C always carries segwit_data; A and B only once segwit is active on the network. */
function hasSegwitField(layout: ShareLayout): boolean {
  return layout.segwit || layout.rules.layout === 'C';
}

function readSegwitData(r: Reader): SegwitData | null {
  const txidMerkleBranch = r.u256List('segwit_data.txid_merkle_link.branch');
  const wtxidMerkleRoot = r.u256('segwit_data.wtxid_merkle_root');
  if (txidMerkleBranch.length === 0 && wtxidMerkleRoot === U256_MAX) return null;
  return { txidMerkleBranch, wtxidMerkleRoot };
}

export function readShareInfo(r: Reader, layout: ShareLayout): ShareInfo {
  const shareData = readShareData(r, layout);
  const segwitData = hasSegwitField(layout) ? readSegwitData(r) : undefined;
  const c = layout.rules.layout === 'C';
  const mergedAddresses = c ? readMergedAddresses(r) : undefined;
  let newTransactionHashes: bigint[] = [];
  let transactionHashRefs: number[] = [];
  if (layout.rules.txRefs) {
    newTransactionHashes = r.u256List('share_info.new_transaction_hashes');
    const pairs = r.count('share_info.transaction_hash_refs', 2);
    transactionHashRefs = new Array<number>(pairs * 2);
    for (let i = 0; i < pairs * 2; i++) transactionHashRefs[i] = r.varint('share_info.transaction_hash_refs');
  }
  const info: ShareInfo = {
    shareData,
    segwitData,
    newTransactionHashes,
    transactionHashRefs,
    farShareHash: r.optionalU256('share_info.far_share_hash'),
    maxBits: r.u32('share_info.max_bits'),
    bits: r.u32('share_info.bits'),
    timestamp: r.u32('share_info.timestamp'),
    absheight: r.u32('share_info.absheight'),
    abswork: c ? r.varintBig('share_info.abswork') : r.uintLE(16, 'share_info.abswork'),
  };
  if (c) {
    info.mergedAddresses = mergedAddresses;
    info.mergedCoinbaseInfo = readMergedCoinbaseInfo(r);
    info.mergedPayoutHash = r.optionalU256('share_info.merged_payout_hash');
  }
  return info;
}

export function writeShareInfo(w: Writer, info: ShareInfo, layout: ShareLayout, middle?: Buffer): Writer {
  const d = info.shareData;
  w.optionalU256(d.previousShareHash).varstr(d.coinbase).u32(d.nonce);
  const kind = layout.rules.layout;
  if (kind !== 'B') {
    if (!d.pubkeyHash || d.pubkeyHash.length !== 20) throw new EncodeError('share_data.pubkey_hash', 'must be 20 bytes');
    w.bytes(d.pubkeyHash);
  } else {
    if (d.address === undefined) throw new EncodeError('share_data.address', 'missing');
    w.varstr(Buffer.from(d.address, 'latin1'));
  }
  if (kind === 'C') {
    if (d.pubkeyType === undefined) throw new EncodeError('share_data.pubkey_type', 'missing');
    w.u8(d.pubkeyType).varint(d.subsidy);
  } else w.u64(d.subsidy);
  w.u16(d.donation).u8(d.staleInfo).varint(d.desiredVersion);
  if (middle !== undefined) w.bytes(middle);
  else writeShareInfoMiddle(w, info, layout);
  w.u32(info.maxBits).u32(info.bits).u32(info.timestamp).u32(info.absheight);
  if (kind !== 'C') return w.uintLE(info.abswork, 16);
  w.varint(info.abswork);
  writeMergedCoinbaseInfo(w, info.mergedCoinbaseInfo);
  return w.optionalU256(info.mergedPayoutHash ?? null);
}

/** The fields between share_data and max_bits: segwit_data, the transaction refs, far_share_hash. */
export type ShareInfoMiddle = Pick<
  ShareInfo,
  'segwitData' | 'newTransactionHashes' | 'transactionHashRefs' | 'farShareHash' | 'mergedAddresses'
>;

function writeShareInfoMiddle(w: Writer, info: ShareInfoMiddle, layout: ShareLayout): Writer {
  if (hasSegwitField(layout)) {
    const s = info.segwitData;
    if (s === undefined) throw new EncodeError('segwit_data', 'required for this version');
    if (s === null) w.varint(0).u256(U256_MAX);
    else {
      if (s.txidMerkleBranch.length === 0 && s.wtxidMerkleRoot === U256_MAX) throw new EncodeError('segwit_data', 'equals its None value');
      w.u256List(s.txidMerkleBranch).u256(s.wtxidMerkleRoot);
    }
  }
  if (layout.rules.txRefs) {
    w.u256List(info.newTransactionHashes);
    if (info.transactionHashRefs.length % 2) throw new EncodeError('transaction_hash_refs', 'odd length');
    w.varint(info.transactionHashRefs.length / 2);
    for (const x of info.transactionHashRefs) w.varint(x);
  }
  if (layout.rules.layout === 'C') writeMergedAddresses(w, info.mergedAddresses);
  return w.optionalU256(info.farShareHash);
}

/** Those middle fields encoded once, for shares that differ only in share_data and the fields after (work generation). */
export function encodeShareInfoMiddle(info: ShareInfoMiddle, layout: ShareLayout): Buffer {
  return writeShareInfoMiddle(new Writer(512), info, layout).toBuffer();
}

export function encodeShareInfo(info: ShareInfo, layout: ShareLayout, middle?: Buffer): Buffer {
  return writeShareInfo(new Writer(256), info, layout, middle).toBuffer();
}

function readSmallHeader(r: Reader): SmallBlockHeader {
  const start = r.pos;
  const version = r.varint('min_header.version');
  if (version > 0xffffffff) throw new DecodeError('min_header.version', start, 'does not fit a block header (u32)');
  return {
    version,
    previousBlock: r.u256('min_header.previous_block'),
    timestamp: r.u32('min_header.timestamp'),
    bits: r.u32('min_header.bits'),
    nonce: r.u32('min_header.nonce'),
  };
}

/** Decoded contents plus where share_info sits in them (its bytes feed the ref hash as they are). */
export interface DecodedContents {
  contents: ShareContents;
  shareInfoStart: number;
  shareInfoEnd: number;
}

export function decodeContents(buf: Buffer, layout: ShareLayout): DecodedContents {
  const r = new Reader(buf);
  const minHeader = readSmallHeader(r);
  const shareInfoStart = r.pos;
  const shareInfo = readShareInfo(r, layout);
  const shareInfoEnd = r.pos;
  const refMerkleBranch = r.u256List('ref_merkle_link.branch');
  const lastTxoutNonce = r.u64('last_txout_nonce');
  const state = r.bytes(32, 'hash_link.state');
  const c = layout.rules.layout === 'C';
  const extraData = c ? r.varstr('hash_link.extra_data') : undefined;
  const length = r.varint('hash_link.length');
  const merkleBranch = r.u256List('merkle_link.branch');
  const contents: ShareContents = {
    minHeader,
    shareInfo,
    refMerkleBranch,
    lastTxoutNonce,
    hashLink: extraData ? { state, extraData, length } : { state, length },
    merkleBranch,
  };
  if (c) {
    const m = r.varstr('message_data');
    contents.messageData = m.length ? m : null;
  }
  r.done('share contents');
  return { contents, shareInfoStart, shareInfoEnd };
}

export function encodeContents(c: ShareContents, layout: ShareLayout): Buffer {
  const w = new Writer(512);
  const h = c.minHeader;
  w.varint(h.version).u256(h.previousBlock).u32(h.timestamp).u32(h.bits).u32(h.nonce);
  writeShareInfo(w, c.shareInfo, layout);
  w.u256List(c.refMerkleBranch).u64(c.lastTxoutNonce);
  if (c.hashLink.state.length !== 32) throw new EncodeError('hash_link.state', 'must be 32 bytes');
  w.bytes(c.hashLink.state);
  const isC = layout.rules.layout === 'C';
  if (isC) w.varstr(c.hashLink.extraData ?? Buffer.alloc(0));
  else if (c.hashLink.extraData?.length) throw new EncodeError('hash_link.extra_data', 'only share version 36 carries extra data');
  w.varint(c.hashLink.length).u256List(c.merkleBranch);
  if (isC) {
    if (c.messageData && c.messageData.length === 0) throw new EncodeError('message_data', 'empty data is written as None');
    w.varstr(c.messageData ?? Buffer.alloc(0));
  }
  return w.toBuffer();
}

/** The wrapper `{type: VarInt, contents: VarStr}` used on the wire and on disk. */
export function readWrapper(r: Reader, field = 'share'): { type: number; contents: Buffer } {
  return { type: r.varint(`${field}.type`), contents: r.varstr(`${field}.contents`) };
}

export function encodeWrapper(type: number, contents: Uint8Array): Buffer {
  return new Writer(contents.length + 8).varint(type).varstr(contents).toBuffer();
}
