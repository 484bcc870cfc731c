// Protocol-level constants of the P2Pool P2P layer (docs/protocol.md §3, §10.3), per lineage where they differ.
import type { Lineage } from '../core/index.ts';

/** The `version` we advertise: [V36] 3600 (the live Litecoin network), [JT] 3501 (v35 networks), [FV] 1700. */
export function protocolVersion(lineage: Lineage): number {
  return lineage === 'V36' ? 3600 : lineage === 'JT' ? 3501 : 1700;
}

/** Largest payload a frame may carry: [FV] 1,000,000, [JT, V36] 32,000,000 bytes. */
export function maxPayloadLength(lineage: Lineage): number {
  return lineage === 'FV' ? 1_000_000 : 32_000_000;
}

/** Budget for transactions a peer asks us to remember, each counted as 100 + its size (§3.9). */
export function maxRememberedTxsSize(lineage: Lineage): number {
  return lineage === 'FV' ? 2_500_000 : 25_000_000;
}

/** Share versions at or above this carry no transactions: tx relay is off ([JT] v34+). */
export const TX_FREE_SHARE_VERSION = 34;
/** Share versions from which shares list new transactions (13 ≤ v < 34). */
export const TX_SHARE_MIN_VERSION = 13;

export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const IDLE_TIMEOUT_MS = 100_000;
export const SHAREREQ_TIMEOUT_MS = 15_000;
export const MEAN_PING_INTERVAL_MS = 100_000;
export const MEAN_GETADDRS_INTERVAL_MS = 20_000;
export const MEAN_CONNECT_INTERVAL_MS = 1_000;
export const CONNECT_TIMEOUT_MS = 5_000;

/** Sub-version strings are cut to this many characters. */
export const SUB_VERSION_MAX = 512;
/** `getaddrs` answers at most this many addresses. */
export const GETADDRS_MAX = 100;
/** Ask for more addresses while the store holds fewer than this (`preferred_storage`). */
export const PREFERRED_ADDR_STORAGE = 1000;
export const ADDR_STORE_MAX = 10_000;
/** A `sharereq` serves at most 1000 shares in total (`parents = min(parents, 1000 // len(hashes))`). */
export const SHAREREQ_MAX_SHARES = 1000;
/** Downloader: `parents` drawn from 0..499, at most 100 stops. */
export const DOWNLOAD_PARENTS_RANGE = 500;
export { DOWNLOAD_MAX_STOPS } from '../pool/share-exchange.ts';
/** `broadcast_share` walks back at most this many shares from the new best. */
export const BROADCAST_DEPTH = 5;
/** `remote_tx_hashes` is trimmed to this many entries. */
export const REMOTE_TX_HASHES_MAX = 10_000;
/** Forgotten known txs stay resolvable for this long (latency of `losing_tx`). */
export const FORGOTTEN_TX_CACHE_MS = 20_000;
/** Default ban: 3600 s·score²; failed share downloads: 30 s·score² ([JT]). */
export const BAN_SECONDS = 3600;
export const DOWNLOAD_BAN_SECONDS = 30;
/** Defaults of --outgoing-conns (at most 10), simultaneous attempts, --max-conns, per-group incoming. */
export const DEFAULT_OUTGOING = 6;
export const MAX_OUTGOING = 10;
export const MAX_CONNECT_ATTEMPTS = 30;
export const DEFAULT_MAX_INCOMING = 40;
export const MAX_INCOMING_PER_GROUP = 3;
