// What the reference JSON endpoints (docs/protocol.md §9) need from the node, already computed. The sharechain's
// ReferenceStats (services/sharechain/stats/reference-stats.ts) implements it in-process; over the bus
// the web service can implement it from Sharechain.GetStats / GetShare. Amounts are satoshis here; the
// routes convert to coins exactly where the reference does.
export type MaybePromise<T> = T | Promise<T>;

export interface GlobalStats {
  pool_nonstale_hash_rate: number;
  pool_hash_rate: number;
  pool_stale_prop: number;
  min_difficulty: number;
  network_block_difficulty: number;
  network_hashrate: number;
}

export interface RecentBlock {
  ts: number;
  hash: string;
  number: number | null;
  share: string;
}

/** A 5-minute sample for /web/log (reference `stats` file). */
export interface LogSample {
  time: number;
  pool_hash_rate: number | null;
  pool_stale_prop: number | null;
  local_hash_rates: Record<string, number>;
  local_dead_hash_rates: Record<string, number>;
  shares: number;
  stale_shares: number;
  stale_shares_breakdown: { orphan: number; doa: number };
  current_payout: number;
  peers: { incoming: number; outgoing: number };
  attempts_to_share: number | null;
  attempts_to_block: number | null;
  block_value: number | null;
}

export interface ReferenceStatsSource {
  /** Pool hash rate over min(height, 720) shares, stale-corrected; null without a chain. */
  rate(): MaybePromise<number | null>;
  /** target_to_difficulty(best.max_target); null without a chain. */
  difficulty(): MaybePromise<number | null>;
  users(): MaybePromise<Record<string, number>>;
  /** -f, percent. */
  fee(): MaybePromise<number>;
  /** Expected payouts (docs/protocol.md §6.4), satoshis by address. */
  currentPayouts(): MaybePromise<Map<string, bigint>>;
  globalStats(): MaybePromise<GlobalStats | null>;
  localStats(): MaybePromise<Record<string, unknown> | null>;
  /** Peer addresses, "host" or "host:port" when the port is not the network default. */
  peerAddresses(): MaybePromise<string[]>;
  payoutAddr(): MaybePromise<string>;
  recentBlocks(): MaybePromise<RecentBlock[]>;
  uptime(): MaybePromise<number>;
  staleRates(): MaybePromise<Record<string, number>>;
  bestShareHash(): MaybePromise<string | null>;
  /** /web/share/<hash> object, or null if unknown. */
  share(hashHex: string): MaybePromise<Record<string, unknown> | null>;
  log(): MaybePromise<LogSample[]>;
  /** /user_stales, /pings, /peer_versions: where the source has them (the web service's does). */
  userStales?(): MaybePromise<Record<string, number>>;
  pings?(): MaybePromise<Record<string, number | null>>;
  peerVersions?(): MaybePromise<Record<string, string>>;
}

/** /web/currency_info. */
export interface CurrencyInfo {
  symbol: string;
  block_explorer_url_prefix: string;
  address_explorer_url_prefix: string;
  tx_explorer_url_prefix: string;
}
