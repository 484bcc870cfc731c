import type { Network } from '../networks/types.ts';
import type { ShareTracker } from './share-tracker.ts';
import type { ThinkResult } from './think.ts';

export interface PruneInput {
  net: Network;
  now: number;
  /** The previous think() result: its top-5 decorated heads are kept. */
  thought: ThinkResult;
  /** Prune the oldest shares only once a chain is this many shares over the limit, so each pass relinks once. */
  slack?: number;
}

/**
 * `clean_tracker` (docs/protocol.md §7.3): eat away stale heads, then drop the oldest shares of chains longer
 * than 2·CHAIN_LENGTH + 10. Returns the removed hashes so the store can forget them.
 */
export function pruneTracker(tracker: ShareTracker, input: PruneInput): bigint[] {
  const { net, now } = input;
  const removed: bigint[] = [];
  const keep = new Set(input.thought.decoratedHeads.slice(-5).map((h) => h.hash));

  for (let round = 0; round < 1000; round++) {
    const victims: bigint[] = [];
    for (const headNode of tracker.heads) {
      const s = headNode.item;
      if (keep.has(s.hash) || s.timeSeen > now - 300) continue;
      if (!tracker.verified.has(s.hash)) {
        const last = headNode.last;
        const recentTail = last !== null && tracker.tailChildren(last).some((c) => c.item.timeSeen > now - 120);
        if (recentTail) continue;
      }
      victims.push(s.hash);
    }
    if (!victims.length) break;
    for (const h of victims) {
      tracker.remove(h);
      removed.push(h);
    }
  }

  const limit = 2 * net.CHAIN_LENGTH + 10;
  const slack = input.slack ?? Math.max(1, Math.floor(net.CHAIN_LENGTH / 20));
  for (const [tail, heads] of tracker.tails()) {
    const minHeight = Math.min(...heads.map((h) => h.height));
    if (minHeight < limit + slack) continue;
    // Drop the oldest shares below every head in one pass: the `minHeight - limit` bottom layers.
    const drop: bigint[] = [];
    let layer = tracker.tailChildren(tail);
    for (let i = 0; i < minHeight - limit && layer.length; i++) {
      const next = [];
      for (const n of layer) {
        drop.push(n.item.hash);
        next.push(...n.children);
      }
      layer = next;
    }
    tracker.removeMany(drop);
    removed.push(...drop);
  }
  return removed;
}
