// The narrow interface between the gateway and whatever owns the sharechain (the sharechain service,
// or the minimal one in testing/). Methods may answer synchronously (embedded) or with a promise
// (over the bus); the gateway awaits either.
import type { Share } from '../core/index.ts';

export type MaybePromise<T> = T | Promise<T>;

export interface AddSharesResult {
  /** Hashes that were new to the tracker. */
  newHashes: bigint[];
}

export interface ShareSource {
  /** The current best share, announced in `version`. */
  bestShareHash(): MaybePromise<bigint | null>;
  /** Is the share in the tracker? (announced hashes we already have are not requested) */
  has(hash: bigint): MaybePromise<boolean>;
  /**
   * `sharereq` service (docs/protocol.md §3.8): for each hash, the chain from it (inclusive) back, at most
   * `parents + 1` shares and not past the height, stopping before a share in `stops`. Newest first.
   * The gateway has already applied parents = min(parents, 1000 // len(hashes)).
   */
  getShares(hashes: readonly bigint[], parents: number, stops: ReadonlySet<bigint>): MaybePromise<readonly Share[]>;
  /** Shares received from a peer (parsed, PoW-checked; peerAddr and timeSeen set). */
  addShares(shares: readonly Share[], from: { peer: string; txs: readonly Buffer[] }): MaybePromise<AddSharesResult>;
  /** Downloader stops: tracker heads ∪ the ≤10th ancestor of each, at most 100 (see referenceStops). */
  downloadStops(): MaybePromise<readonly bigint[]>;
  /** The best share's version: tx relay runs below 34. Omit for v34+ only networks. */
  bestShareVersion?(): number | null;
  /** known_txs (v < 34): full serializations by node-convention hash. */
  knownTx?(hash: bigint): Buffer | undefined;
  knownTxHashes?(): Iterable<bigint>;
  /** mining_txs (v < 34): the current template's transactions. */
  miningTxs?(): ReadonlyMap<bigint, Buffer>;
  /** Transactions peers sent in remember_tx become known. */
  addKnownTxs?(txs: ReadonlyMap<bigint, Buffer>): void;
}

/** What the sharechain asks of the peer gateway: relay a new share, fetch missing parents, punish a peer. */
export interface PeerHooks {
  broadcastShare(hash: bigint, chain: readonly Share[]): unknown;
  setDesired(list: readonly { hash: bigint; peerAddr: string | null }[]): void;
  punishPeer(peerAddr: string, reason: string): void;
  noteVerified?(share: Share, counts: ReadonlyMap<number, bigint> | null): void;
}
