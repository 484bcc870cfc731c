import type { ChainNode, Tracker } from '../tracker/forest.ts';
import type { ScriptPayoutItem } from '../pplns/decayed.ts';
import type { MergedAddress } from '../share/types.ts';
import type { MergedAddressLookup } from './lookup.ts';

/** What merged PPLNS needs of a share. */
export interface MergedPayoutItem extends ScriptPayoutItem {
  readonly desiredVersion: number;
  /** Whether the share is a v36 (MergedMiningShare): only those use explicit or learnt merged addresses. */
  readonly isMergedMiningShare: boolean;
  readonly mergedAddresses: readonly MergedAddress[] | null;
}

export interface MergedWeights {
  /**
   * key → weight. Keys are payout scripts (hex), or `MERGED:<hex>` for a merged-chain script taken
   * from the share's merged_addresses or the lookup (only when a chain id is given). Zero weights dropped.
   */
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

export const MERGED_KEY_PREFIX = 'MERGED:';
const W = 65535n;

/**
 * Merged-mining PPLNS over `maxShares` shares from `start` back: no decay and no cap; shares that
 * do not vote 36 count toward the window but weigh nothing (docs/consensus-core.md, V36 §8.3).
 */
export function mergedWeights<T extends MergedPayoutItem>(
  tracker: Tracker<T>,
  start: bigint | null,
  maxShares: number,
  chainId: number | null,
  lookup: MergedAddressLookup | null,
): MergedWeights {
  const weights = new Map<string, bigint>();
  let total = 0n;
  let donation = 0n;
  let node = start === null ? undefined : tracker.node(start);
  for (let i = 0; i < maxShares && node; i++, node = node.parent ?? undefined) {
    const s = node.item;
    if (s.desiredVersion < 36) continue;
    const a = node.work;
    let key = s.payoutScriptHex;
    if (chainId !== null && s.isMergedMiningShare) {
      const explicit = s.mergedAddresses?.find((m) => m.chainId === chainId);
      if (explicit) key = MERGED_KEY_PREFIX + explicit.script.toString('hex');
      else {
        const learnt = lookup?.find(chainId, key);
        if (learnt !== undefined) key = MERGED_KEY_PREFIX + learnt;
      }
    }
    const d = BigInt(s.donation);
    weights.set(key, (weights.get(key) ?? 0n) + a * (W - d));
    total += a * W;
    donation += a * d;
  }
  for (const [k, v] of weights) if (v === 0n) weights.delete(k);
  return { weights, total, donation };
}

interface SlidingWindow<T extends MergedPayoutItem> {
  top: ChainNode<T>;
  count: number;
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

/**
 * mergedWeights without a chain id (the merged_payout_hash window) with the same results, sliding
 * along the chain: verifying or generating on successive parents costs O(1) per share, not a walk
 * of REAL_CHAIN_LENGTH shares. (With a chain id the learnt addresses change as shares arrive, so
 * that window is always walked.)
 */
export class MergedPayoutWindows<T extends MergedPayoutItem> {
  private readonly tracker: Tracker<T>;
  private cached: SlidingWindow<T> | null = null;

  constructor(tracker: Tracker<T>) {
    this.tracker = tracker;
  }

  get(start: bigint | null, maxShares: number): MergedWeights {
    const top = start === null ? undefined : this.tracker.node(start);
    if (!top || maxShares <= 0) return mergedWeights(this.tracker, start, maxShares, null, null);
    const k = Math.min(maxShares, top.height);
    let w = this.cached;
    if (!w || !this.slide(w, top, k)) {
      w = { top, count: 0, weights: new Map(), total: 0n, donation: 0n };
      this.grow(w, k);
      this.cached = w;
    }
    const weights = new Map<string, bigint>();
    for (const [key, v] of w.weights) if (v !== 0n) weights.set(key, v);
    return { weights, total: w.total, donation: w.donation };
  }

  private apply(w: SlidingWindow<T>, n: ChainNode<T>, sign: 1n | -1n): void {
    const s = n.item;
    if (s.desiredVersion < 36) return;
    const d = BigInt(s.donation);
    const key = s.payoutScriptHex;
    const v = (w.weights.get(key) ?? 0n) + sign * n.work * (W - d);
    if (v === 0n) w.weights.delete(key);
    else w.weights.set(key, v);
    w.total += sign * n.work * W;
    w.donation += sign * n.work * d;
  }

  private slide(w: SlidingWindow<T>, top: ChainNode<T>, k: number): boolean {
    const rise = top.height - w.top.height;
    if (rise < 0 || rise > 4096 || top.last !== w.top.last) return false;
    if (this.tracker.nodes.get(w.top.item.hash) !== w.top) return false;
    if (rise ? this.tracker.ancestorNode(top, rise) !== w.top : top !== w.top) return false;
    let n: ChainNode<T> | null = top;
    for (let i = 0; i < rise; i++) {
      this.apply(w, n!, 1n);
      n = n!.parent;
    }
    w.top = top;
    w.count += rise;
    if (w.count > k) {
      let b: ChainNode<T> | null = this.tracker.ancestorNode(top, k);
      for (let i = k; i < w.count; i++) {
        this.apply(w, b!, -1n);
        b = b!.parent;
      }
      w.count = k;
    } else if (w.count < k) this.grow(w, k);
    return true;
  }

  private grow(w: SlidingWindow<T>, k: number): void {
    let b: ChainNode<T> | null = w.count === 0 ? w.top : this.tracker.ancestorNode(w.top, w.count);
    for (let i = w.count; i < k; i++) {
      this.apply(w, b!, 1n);
      b = b!.parent;
    }
    w.count = k;
  }
}
