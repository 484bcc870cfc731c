import { STALE_DOA, STALE_NONE, STALE_ORPHAN } from './types.ts';

/** The node's own share counts, as the sharechain service keeps them (docs/protocol.md §5.5). */
export interface OwnShareCounts {
  /** All my shares and my dead-on-arrival ones. */
  mine: number;
  mineDoa: number;
  /** Of those, how many are in the current best chain (plus those pruned from it). */
  mineInChain: number;
  mineDoaInChain: number;
  /** In-chain shares of mine that already announced 'orphan' / 'doa'. */
  orphansAnnounced: number;
  doasAnnounced: number;
}

/**
 * stale_info for the next share: announce an orphan (or else a DOA) while more of mine are missing
 * from the chain than my in-chain shares have already announced. Not consensus: it feeds the pool's
 * stale-rate statistics.
 */
export function nextStaleInfo(c: OwnShareCounts): number {
  const doaMissing = c.mineDoa - c.mineDoaInChain;
  const orphansMissing = c.mine - c.mineInChain - doaMissing;
  if (orphansMissing > c.orphansAnnounced) return STALE_ORPHAN;
  if (doaMissing > c.doasAnnounced) return STALE_DOA;
  return STALE_NONE;
}
