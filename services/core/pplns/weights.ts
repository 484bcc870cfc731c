import type { ChainItem, ChainNode, Tracker } from '../tracker/forest.ts';

/** What PPLNS needs of a share: the tracker's fields and its payout key. */
export interface PayoutItem extends ChainItem {
  readonly payoutKey: string;
}

export interface CumulativeWeights {
  /** payout key → weight (att·(65535 − donation)); keys whose weight is 0 are absent, as in the reference. */
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

const W = 65535n;

/**
 * `get_cumulative_weights` walked share by share (docs/protocol.md §6.2): the definition, kept for tests
 * and as the fallback; `PplnsWindows` gives the same result without walking the window.
 */
export function cumulativeWeightsLinear<T extends PayoutItem>(
  tracker: Tracker<T>,
  start: bigint | null,
  maxShares: number,
  desiredWeight: bigint,
): CumulativeWeights {
  const weights = new Map<string, bigint>();
  let total = 0n;
  let donation = 0n;
  let node = start === null ? undefined : tracker.node(start);
  for (let n = 0; n < maxShares && total < desiredWeight; n++) {
    if (!node) throw new Error('PPLNS window runs past the known chain');
    const att = node.work;
    const d = BigInt(node.item.donation);
    const key = node.item.payoutKey;
    if (total + att * W > desiredWeight) {
      const part = (desiredWeight - total) / W;
      addTo(weights, key, (part * (att * (W - d))) / att);
      donation += (part * (att * d)) / att;
      total = desiredWeight;
      break;
    }
    addTo(weights, key, att * (W - d));
    total += att * W;
    donation += att * d;
    node = node.parent ?? undefined;
  }
  return { weights, total, donation };
}

function addTo(m: Map<string, bigint>, key: string, v: bigint): void {
  if (v === 0n) return;
  const next = (m.get(key) ?? 0n) + v;
  if (next === 0n) m.delete(key);
  else m.set(key, next);
}

interface Window<T extends ChainItem> {
  top: ChainNode<T>;
  /** Number of whole shares in the window, from `top` back. */
  count: number;
  weights: Map<string, bigint>;
}

/**
 * Cumulative PPLNS weights with the reference's exact results, in O(log² n) plus the shares that
 * entered or left the window since the last query. Totals come from the tracker's prefix sums; the
 * per-key map slides along the chain, so verifying a chain share after share costs O(1) each.
 */
export class PplnsWindows<T extends PayoutItem> {
  private readonly tracker: Tracker<T>;
  private readonly cache: Window<T>[] = [];
  private readonly maxCached: number;

  constructor(tracker: Tracker<T>, maxCached = 4) {
    this.tracker = tracker;
    this.maxCached = maxCached;
  }

  get(start: bigint | null, maxShares: number, desiredWeight: bigint): CumulativeWeights {
    const top = start === null ? undefined : this.tracker.node(start);
    if (!top || maxShares <= 0 || desiredWeight <= 0n) {
      if (start !== null && !top && maxShares > 0) throw new Error('PPLNS window starts at an unknown share');
      return { weights: new Map(), total: 0n, donation: 0n };
    }
    const limit = Math.min(maxShares, top.height);
    // The largest k ≤ limit whose k whole shares weigh at most desiredWeight.
    let lo = 0;
    let hi = limit;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.workOf(top, mid) * W <= desiredWeight) lo = mid;
      else hi = mid - 1;
    }
    const k = lo;
    const win = this.window(top, k);
    const weights = new Map(win.weights);
    let total = this.workOf(top, k) * W;
    let donation = this.donWorkOf(top, k);
    if (k < maxShares && total < desiredWeight) {
      if (k >= top.height) throw new Error('PPLNS window runs past the known chain');
      const s = this.tracker.ancestorNode(top, k);
      const d = BigInt(s.item.donation);
      const part = (desiredWeight - total) / W;
      addTo(weights, s.item.payoutKey, (part * (s.work * (W - d))) / s.work);
      donation += (part * (s.work * d)) / s.work;
      total = desiredWeight;
    }
    return { weights, total, donation };
  }

  /** Σ att(target) of the k shares from `top` back. */
  private workOf(top: ChainNode<T>, k: number): bigint {
    if (k === 0) return 0n;
    if (k === top.height) return top.cumWork;
    return top.cumWork - this.tracker.ancestorNode(top, k).cumWork;
  }

  private donWorkOf(top: ChainNode<T>, k: number): bigint {
    if (k === 0) return 0n;
    if (k === top.height) return top.cumDonWork;
    return top.cumDonWork - this.tracker.ancestorNode(top, k).cumDonWork;
  }

  private window(top: ChainNode<T>, k: number): Window<T> {
    for (let i = 0; i < this.cache.length; i++) {
      const w = this.cache[i]!;
      const moved = this.slide(w, top, k);
      if (moved) {
        if (i) {
          this.cache.splice(i, 1);
          this.cache.unshift(w);
        }
        return w;
      }
    }
    const w: Window<T> = { top, count: 0, weights: new Map() };
    this.grow(w, k);
    this.cache.unshift(w);
    if (this.cache.length > this.maxCached) this.cache.pop();
    return w;
  }

  /** Move a cached window to (top, k) if `top` descends from its top on a present chain. */
  private slide(w: Window<T>, top: ChainNode<T>, k: number): boolean {
    const rise = top.height - w.top.height;
    if (rise < 0 || rise > 4096 || top.last !== w.top.last) return false;
    if (this.tracker.nodes.get(w.top.item.hash) !== w.top) return false;
    if (rise && this.tracker.ancestorNode(top, rise) !== w.top) return false;
    if (!rise && top !== w.top) return false;
    // Add the shares above the old top, then trim or extend the bottom to k shares.
    let n: ChainNode<T> | null = top;
    for (let i = 0; i < rise; i++) {
      addTo(w.weights, n!.item.payoutKey, n!.work * (W - BigInt(n!.item.donation)));
      n = n!.parent;
    }
    w.top = top;
    w.count += rise;
    if (w.count > k) {
      let b: ChainNode<T> | null = this.tracker.ancestorNode(top, k);
      for (let i = k; i < w.count; i++) {
        addTo(w.weights, b!.item.payoutKey, -(b!.work * (W - BigInt(b!.item.donation))));
        b = b!.parent;
      }
      w.count = k;
    } else if (w.count < k) this.grow(w, k);
    return true;
  }

  private grow(w: Window<T>, k: number): void {
    let b: ChainNode<T> | null = w.count === 0 ? w.top : this.tracker.ancestorNode(w.top, w.count);
    for (let i = w.count; i < k; i++) {
      addTo(w.weights, b!.item.payoutKey, b!.work * (W - BigInt(b!.item.donation)));
      b = b!.parent;
    }
    w.count = k;
  }
}
