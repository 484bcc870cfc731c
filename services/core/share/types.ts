/** The share's fields as on the wire (p2pool/data.py `share_type`), with 256-bit values as bigint. */

/** stale_info: 0 = None, 253 = orphan, 254 = doa, anything else kept as its raw byte ('unk<k>'). */
export const STALE_NONE = 0;
export const STALE_ORPHAN = 253;
export const STALE_DOA = 254;

export interface SmallBlockHeader {
  version: number;
  previousBlock: bigint;
  timestamp: number;
  bits: number;
  nonce: number;
}

export interface ShareData {
  previousShareHash: bigint | null;
  coinbase: Buffer;
  nonce: number;
  /** Layout A: the 20 raw bytes of the P2PKH hash. */
  pubkeyHash?: Buffer;
  /** Layout B: the payout address exactly as the miner wrote it. */
  address?: string;
  /** Layout C: 0 P2PKH, 1 P2WPKH, 2 P2SH; any other value pays P2PKH (spec v36 §4.6). */
  pubkeyType?: number;
  subsidy: bigint;
  donation: number;
  staleInfo: number;
  desiredVersion: number;
}

export interface SegwitData {
  txidMerkleBranch: bigint[];
  wtxidMerkleRoot: bigint;
}

export interface ShareInfo {
  shareData: ShareData;
  /** undefined: the version has no segwit field; null: the field holds its None value. */
  segwitData?: SegwitData | null;
  newTransactionHashes: bigint[];
  /** Flat (share_count, tx_count) pairs. */
  transactionHashRefs: number[];
  farShareHash: bigint | null;
  maxBits: number;
  bits: number;
  timestamp: number;
  absheight: number;
  abswork: bigint;
  /** Layout C only (undefined otherwise); null is the field's None (an empty list is not encodable). */
  mergedAddresses?: MergedAddress[] | null;
  mergedCoinbaseInfo?: MergedCoinbaseEntry[] | null;
  mergedPayoutHash?: bigint | null;
}

/** A miner's explicit payout script on a merged chain (layout C `merged_addresses`). */
export interface MergedAddress {
  chainId: number;
  script: Buffer;
}

/** What a V36 share commits to about one merged-chain block (layout C `merged_coinbase_info`). */
export interface MergedCoinbaseEntry {
  chainId: number;
  coinbaseValue: bigint;
  blockHeight: bigint;
  /** The merged chain's 80-byte block header. */
  blockHeader: Buffer;
  coinbaseMerkleBranch: bigint[];
  /** scriptSig of the merged coinbase; empty means the canonical one. */
  coinbaseScript: Buffer;
}

export interface ShareContents {
  minHeader: SmallBlockHeader;
  shareInfo: ShareInfo;
  refMerkleBranch: bigint[];
  lastTxoutNonce: bigint;
  /** extraData: layout C only (VarStr); earlier layouts have none on the wire. */
  hashLink: { state: Buffer; extraData?: Buffer; length: number };
  merkleBranch: bigint[];
  /** Layout C only: authority message blob, null for None. */
  messageData?: Buffer | null;
}
