// This node's own shares (the reference's my_share_hashes / my_doa_share_hashes): for the stale_info
// of the next share (docs/protocol.md §5.5), the orphan/DOA counts and the efficiency shown in stats.
import { STALE_DOA, STALE_ORPHAN, type OwnShareCounts, type ShareTracker } from '../core/index.ts';

export interface OwnShare {
  doa: boolean;
  miner: string;
  /** Seconds since the epoch. */
  at: number;
}

export interface StaleCounts {
  /** All my shares, my orphaned (not DOA) and DOA shares missing from the best chain. */
  total: number;
  orphan: number;
  doa: number;
  counts: OwnShareCounts;
}

export class OwnShares {
  readonly shares = new Map<bigint, OwnShare>();
  private doaTotal = 0;
  // My shares pruned while in the best chain (the reference's removed_unstales_var / removed_doa_unstales_var).
  private removedInChain = 0;
  private removedDoaInChain = 0;
  private removedOrphanAnnounce = 0;
  private removedDoaAnnounce = 0;
  private readonly gone = new Set<bigint>();

  add(hash: bigint, doa: boolean, miner: string, at: number): void {
    if (this.shares.has(hash)) return;
    this.shares.set(hash, { doa, miner, at });
    if (doa) this.doaTotal++;
  }

  has(hash: bigint): boolean {
    return this.shares.has(hash);
  }

  /** My shares now in the verified best chain, with their stale_info (taken before pruning). */
  inChainSnapshot(tracker: ShareTracker, best: bigint | null): Map<bigint, number> {
    const out = new Map<bigint, number>();
    if (best === null || !tracker.verified.has(best)) return out;
    for (const h of this.shares.keys()) {
      if (this.gone.has(h) || !tracker.verified.has(h) || tracker.verified.isChildOf(h, best) !== true) continue;
      out.set(h, tracker.get(h)!.staleInfo);
    }
    return out;
  }

  /** After pruning: my shares that left while in the best chain keep counting as in-chain. */
  noteRemoved(hashes: Iterable<bigint>, inChain: Map<bigint, number>): void {
    for (const h of hashes) {
      const mine = this.shares.get(h);
      if (!mine || this.gone.has(h)) continue;
      this.gone.add(h);
      const stale = inChain.get(h);
      if (stale === undefined) continue;
      this.removedInChain++;
      if (mine.doa) this.removedDoaInChain++;
      if (stale === STALE_ORPHAN) this.removedOrphanAnnounce++;
      if (stale === STALE_DOA) this.removedDoaAnnounce++;
    }
  }

  /** get_stale_counts: my shares in / out of the verified best chain. */
  staleCounts(tracker: ShareTracker, best: bigint | null): StaleCounts {
    let inChain = this.removedInChain;
    let doaInChain = this.removedDoaInChain;
    let orphansAnnounced = this.removedOrphanAnnounce;
    let doasAnnounced = this.removedDoaAnnounce;
    if (best !== null && tracker.verified.has(best)) {
      for (const [h, mine] of this.shares) {
        if (this.gone.has(h) || !tracker.verified.has(h) || tracker.verified.isChildOf(h, best) !== true) continue;
        inChain++;
        if (mine.doa) doaInChain++;
        const s = tracker.get(h)!;
        if (s.staleInfo === STALE_ORPHAN) orphansAnnounced++;
        if (s.staleInfo === STALE_DOA) doasAnnounced++;
      }
    }
    const counts: OwnShareCounts = {
      mine: this.shares.size,
      mineDoa: this.doaTotal,
      mineInChain: inChain,
      mineDoaInChain: doaInChain,
      orphansAnnounced,
      doasAnnounced,
    };
    const notInChain = counts.mine - inChain;
    const doaNotInChain = counts.mineDoa - doaInChain;
    return { total: counts.mine, orphan: notInChain - doaNotInChain, doa: doaNotInChain, counts };
  }
}
