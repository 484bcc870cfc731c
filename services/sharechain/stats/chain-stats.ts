// Chain statistics as the reference computes them (p2pool/data.py, web.py), over a tracker and a
// best share. Pure functions; the web endpoints, the status line and GetStats share them.
import {
  poolAttemptsPerSecond,
  targetToAverageAttempts,
  targetToDifficulty,
  expectedPayouts,
  donationKey,
  pubkeyHashToAddress,
  v36PayoutAddress,
  bitsToTarget,
  DONATION_SCRIPT,
  DONATION_PUBKEY_HASH,
  STALE_DOA,
  STALE_ORPHAN,
  type Network,
  type Share,
  type ShareTracker,
} from '../../core/index.ts';
import type { GlobalStats } from '../../pool/reference-stats.ts';

/** `get_average_stale_prop`: stales / (n + stales) over n shares, where a stale is any stale_info set. */
export function averageStaleProp(tracker: ShareTracker, best: bigint, n: number): number {
  let stales = 0;
  for (const s of tracker.getChain(best, n)) if (s.staleInfo !== 0) stales++;
  return stales / (n + stales);
}

/** `get_pool_attempts_per_second` (float); null when fewer than 2 shares. */
export function poolRate(tracker: ShareTracker, best: bigint, dist: number): number | null {
  if (dist < 2) return null;
  return poolAttemptsPerSecond(tracker, best, dist);
}

/** /rate: the pool rate over min(height, 720) shares divided by (1 − stale proportion). */
export function realPoolRate(tracker: ShareTracker, best: bigint | null): number | null {
  if (best === null) return null;
  const n = Math.min(tracker.getHeight(best), 720);
  const r = poolRate(tracker, best, n);
  return r === null ? null : r / (1 - averageStaleProp(tracker, best, n));
}

/** stale_info as the reference names it: null, 'orphan', 'doa', or 'unk<k>'. */
export function staleInfoName(v: number): string | null {
  return v === 0 ? null : v === STALE_ORPHAN ? 'orphan' : v === STALE_DOA ? 'doa' : `unk${v}`;
}

/** `get_stale_counts(..., rates=True)`: work per second of all shares ('good') and of each stale kind. */
export function staleRates(tracker: ShareTracker, best: bigint | null): Record<string, number> {
  if (best === null) return {};
  const lookbehind = Math.min(tracker.getHeight(best), 720);
  if (lookbehind < 2) return {};
  const res = new Map<string, bigint>();
  for (const s of tracker.getChain(best, lookbehind - 1)) {
    const att = targetToAverageAttempts(s.target);
    res.set('good', (res.get('good') ?? 0n) + att);
    const name = staleInfoName(s.staleInfo);
    if (name) res.set(name, (res.get(name) ?? 0n) + att);
  }
  const far = tracker.get(tracker.getNthParentHash(best, lookbehind - 1)!)!;
  const dt = tracker.get(best)!.timestamp - far.timestamp;
  const out: Record<string, number> = {};
  for (const [k, v] of res) out[k] = dt === 0 ? Infinity : Number(v) / dt;
  return out;
}

/** A PPLNS key as an address: [JT] keys are addresses; [FV] keys are scripts (P2PKH or the donation P2PK). */
export function keyToAddress(net: Network, key: string): string | null {
  if (net.LINEAGE === 'JT') return key;
  // [V36] PPLNS keys are addresses; V36's own windows key by P2PKH / P2WPKH / P2SH script.
  if (net.LINEAGE === 'V36') return /^[0-9a-f]+$/.test(key) ? scriptToAddress(net, key) : key;
  if (key === DONATION_SCRIPT.toString('hex')) return pubkeyHashToAddress(DONATION_PUBKEY_HASH, net.PARENT.ADDRESS_VERSION);
  const m = /^76a914([0-9a-f]{40})88ac$/.exec(key);
  return m ? pubkeyHashToAddress(Buffer.from(m[1]!, 'hex'), net.PARENT.ADDRESS_VERSION) : null;
}

function scriptToAddress(net: Network, key: string): string | null {
  const m = /^(?:76a914([0-9a-f]{40})88ac|0014([0-9a-f]{40})|a914([0-9a-f]{40})87)$/.exec(key);
  if (!m) return null;
  const type = m[1] ? 0 : m[2] ? 1 : 2;
  return v36PayoutAddress(Buffer.from((m[1] ?? m[2] ?? m[3])!, 'hex'), type, net.PARENT);
}

/** /users: each address's share of the weight of the last min(height, 720) shares, no work cap. */
export function users(tracker: ShareTracker, net: Network, best: bigint | null): Record<string, number> {
  if (best === null) return {};
  const n = Math.min(tracker.getHeight(best), 720);
  const { weights, total } = tracker.pplns.get(best, n, 65535n << 256n);
  const entries = [...weights].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const out: Record<string, number> = {};
  for (const [k, w] of entries) {
    const addr = keyToAddress(net, k);
    if (addr !== null) out[addr] = Number(w) / Number(total);
  }
  return out;
}

/** `get_expected_payouts` (docs/protocol.md §6.4) by address, satoshis. */
export function currentPayouts(
  tracker: ShareTracker,
  net: Network,
  best: bigint | null,
  blockBits: number | null,
  subsidy: bigint | null,
): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (best === null || blockBits === null || subsidy === null) return out;
  const share = tracker.get(best)!;
  const n = Math.min(tracker.getHeight(best), net.REAL_CHAIN_LENGTH);
  const desired = 65535n * BigInt(net.SPREAD) * targetToAverageAttempts(bitsToTarget(blockBits));
  const { weights, total } = tracker.pplns.get(best, n, desired);
  for (const [k, v] of expectedPayouts(subsidy, weights, total, donationKey(net, share.layout))) {
    const addr = keyToAddress(net, k);
    if (addr !== null) out.set(addr, (out.get(addr) ?? 0n) + v);
  }
  return out;
}

/** /global_stats over min(height, 3600 // SHARE_PERIOD) shares; null below 10 shares or without a template. */
export function globalStats(tracker: ShareTracker, net: Network, best: bigint | null, blockBits: number | null): GlobalStats | null {
  if (best === null || blockBits === null) return null;
  const height = tracker.getHeight(best);
  if (height < 10) return null;
  const lookbehind = Math.min(height, Math.floor(3600 / net.SHARE_PERIOD));
  const nonstale = poolRate(tracker, best, lookbehind)!;
  const staleProp = averageStaleProp(tracker, best, lookbehind);
  const diff = targetToDifficulty(bitsToTarget(blockBits));
  return {
    pool_nonstale_hash_rate: nonstale,
    pool_hash_rate: nonstale / (1 - staleProp),
    pool_stale_prop: staleProp,
    min_difficulty: targetToDifficulty(tracker.get(best)!.maxTarget),
    network_block_difficulty: diff,
    network_hashrate: Math.floor((diff * 2 ** 32) / net.PARENT.BLOCK_PERIOD),
  };
}

/** Block-solving shares among the last CHAIN_LENGTH of the best chain (/recent_blocks). */
export function recentBlocks(
  tracker: ShareTracker,
  net: Network,
  best: bigint | null,
  parseHeight: (coinbase: Buffer) => number | null,
): { ts: number; hash: string; number: number | null; share: string }[] {
  if (best === null) return [];
  const out = [];
  for (const s of tracker.getChain(best, Math.min(tracker.getHeight(best), net.CHAIN_LENGTH))) {
    if (!s.isBlock) continue;
    const hex = s.hash.toString(16).padStart(64, '0');
    out.push({ ts: s.timestamp, hash: hex, number: parseHeight(s.shareData.coinbase), share: hex });
  }
  return out;
}

/** The other transactions of a share: its refs resolved through its ancestors (v < 34), else none. */
export function otherTxHashes(tracker: ShareTracker, share: Share): bigint[] {
  if (!share.rules.txRefs) return [];
  const refs = share.shareInfo.transactionHashRefs;
  const out: bigint[] = [];
  for (let i = 0; i < refs.length; i += 2) {
    const shareCount = refs[i]!;
    const src = shareCount === 0 ? share : tracker.get(tracker.getNthParentHash(share.hash, shareCount) ?? -1n);
    const h = src?.newTransactionHashes[refs[i + 1]!];
    if (h !== undefined) out.push(h);
  }
  return out;
}

export interface MinerWindow {
  windowShares: number;
  shares: number;
  orphan: number;
  dead: number;
  /** Newest first, at most `limit`. */
  recent: { hash: bigint; timestamp: number; depth: number; staleInfo: number; work: number }[];
}

/** One payout address's shares among the PPLNS window of the best share (min(height, REAL_CHAIN_LENGTH)). */
export function minerWindow(tracker: ShareTracker, net: Network, best: bigint | null, address: string, limit: number): MinerWindow {
  const out: MinerWindow = { windowShares: 0, shares: 0, orphan: 0, dead: 0, recent: [] };
  if (best === null) return out;
  const n = Math.min(tracker.getHeight(best), net.REAL_CHAIN_LENGTH);
  let depth = 0;
  for (const s of tracker.getChain(best, n)) {
    out.windowShares++;
    if (s.address === address) {
      out.shares++;
      if (s.staleInfo === STALE_ORPHAN) out.orphan++;
      if (s.staleInfo === STALE_DOA) out.dead++;
      if (out.recent.length < limit)
        out.recent.push({
          hash: s.hash,
          timestamp: s.timestamp,
          depth,
          staleInfo: s.staleInfo,
          work: Number(targetToAverageAttempts(s.target)),
        });
    }
    depth++;
  }
  return out;
}

/** /user_stales over the whole best chain: stale / total, a stale share counted once in stale and twice in total (as the reference). */
export function userStales(tracker: ShareTracker, best: bigint | null): Record<string, number> {
  if (best === null) return {};
  const stale = new Map<string, number>();
  const total = new Map<string, number>();
  for (const s of tracker.getChain(best, tracker.getHeight(best))) {
    const a = s.address;
    const isStale = s.staleInfo === STALE_ORPHAN || s.staleInfo === STALE_DOA;
    total.set(a, (total.get(a) ?? 0) + (isStale ? 2 : 1));
    if (isStale) stale.set(a, (stale.get(a) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const [a, t] of total) out[a] = (stale.get(a) ?? 0) / t;
  return out;
}
