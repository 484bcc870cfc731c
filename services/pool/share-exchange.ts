// Tracker-side pieces of share exchange (docs/protocol.md §3.8) for whoever implements ShareSource over a
// ShareTracker: serving a sharereq and the downloader's stops, exactly as the reference walks them.
import type { Share, Tracker } from '../core/index.ts';

/** `handle_get_shares`: from each hash back min(parents+1, height) shares, stopping before a stop. */
export function serveChain(tracker: Tracker<Share>, hashes: readonly bigint[], parents: number, stops: ReadonlySet<bigint>): Share[] {
  const out: Share[] = [];
  for (const h of hashes) {
    const n = Math.min(parents + 1, tracker.getHeight(h));
    for (const s of tracker.getChain(h, n)) {
      if (stops.has(s.hash)) break;
      out.push(s);
    }
  }
  return out;
}

/** At most this many stops in a downloader's sharereq. */
export const DOWNLOAD_MAX_STOPS = 100;

/** The downloader's stops: heads ∪ {each head's ancestor min(height-1, 10) back}, at most 100. */
export function referenceStops(tracker: Tracker<Share>): bigint[] {
  const set = new Set<bigint>();
  for (const node of tracker.heads) {
    const h = node.item.hash;
    set.add(h);
    const back = Math.min(Math.max(0, tracker.getHeight(h) - 1), 10);
    const anc = tracker.getNthParentHash(h, back);
    if (anc !== null) set.add(anc);
  }
  return [...set].slice(0, DOWNLOAD_MAX_STOPS);
}
