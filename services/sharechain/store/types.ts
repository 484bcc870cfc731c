// What the sharechain needs of a durable store: append records (resolved once durable), load them
// all back at start, and forget what the tracker pruned. Two implementations: files under the data
// dir (one process) and a JetStream stream (the cluster).

/** A stored share (the reference's `5 <hex>` line) or a verified mark (`2 <hash>`). */
export type StoreRecord = { kind: 'share'; hash: bigint; packed: Buffer } | { kind: 'verified'; hash: bigint };

/** Something the loader could not use, reported to the log and the sync status. */
export interface DroppedRecord {
  /** Where: "shares.3:1207" (file:line) or "seq 88" (stream). */
  where: string;
  reason: string;
}

export interface LoadResult {
  /** Packed share wrappers in store order (oldest first); duplicates already removed. Empty when the
   *  caller identified (parsed) them itself, unless it asked for keepPacked. */
  shares: { hash: bigint | null; packed: Buffer }[];
  verified: Set<bigint>;
  dropped: DroppedRecord[];
}

export interface LoadProgress {
  /** 0..1 of the bytes (or messages) read. */
  fraction: number;
  records: number;
}

export interface StoreLoadOptions {
  /** The share's hash, or null if the bytes are not a share of this network (then dropped). Lets the
   * store map hashes to where they live without parsing anything twice (the caller keeps its parse). */
  identify?: (packed: Buffer) => bigint | null;
  onProgress?: (p: LoadProgress) => void;
  /** With identify: also return the packed bytes in LoadResult.shares (default: only without identify). */
  keepPacked?: boolean;
}

export interface ShareStore {
  /** A short description for logs ("file /data/bitcoin", "jetstream P2POOL_SHARES_BITCOIN"). */
  readonly describe: string;
  /** Reads everything back. Call once, before the first append. */
  load(opts?: StoreLoadOptions): Promise<LoadResult>;
  /** Resolves once every record is durable (fsync / JetStream ack); appends are batched together. */
  append(records: readonly StoreRecord[]): Promise<void>;
  /** The tracker dropped these shares (pruned or invalid): the store may reclaim their space. */
  forget(hashes: Iterable<bigint>): void;
  /** Waits for pending appends, then releases files/handles. */
  close(): Promise<void>;
}
