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
}

export interface ShareContents {
  minHeader: SmallBlockHeader;
  shareInfo: ShareInfo;
  refMerkleBranch: bigint[];
  lastTxoutNonce: bigint;
  hashLink: { state: Buffer; length: number };
  merkleBranch: bigint[];
}
