// The work basis: what the sharechain publishes to edges so they can build a share's coinbase for any
// payout address and share target with no further question (docs/protocol.md §4.5, §8.1–8.5).
//
// Design (exact by construction): the edge runs the core's own generateTransaction. Of the tracker,
// generateTransaction reads only (a) the parent share and its recent ancestors — pre_target3 looks back
// TARGET_LOOKBEHIND shares, far_share_hash 99, transaction refs (v < 34) 100 — plus the parent's true
// height, and (b) one PPLNS window, at the grandparent, sized by the block target. So the basis carries
// the newest max(TARGET_LOOKBEHIND, 100) + 1 shares of the best chain (packed), the parent's true
// height/last, and that PPLNS window computed here with the core's PplnsWindows for the current block
// bits. The edge rebuilds a small tracker from it (basis-view.ts) and calls generateTransaction: same
// code, same bytes as a node with the whole chain. Nothing on the edge's hot path waits on a round trip;
// a new basis arrives when the best share, the block bits, the stale_info or the punish state change.
import type { VersionRatchet, RatchetDecision } from '../../core/index.ts';
import {
  shareVersion,
  targetToAverageAttempts,
  bitsToTarget,
  preTarget3,
  targetToBits,
  versionToProduce,
  TX_REF_LOOKBACK,
  mergedWeights,
  DOGE_CHAIN_ID,
  type MergedWeights,
  type Network,
  type ShareTracker,
} from '../../core/index.ts';

export type SyncStateName = 'loading' | 'downloading' | 'synced';

export interface PplnsWindow {
  /** Arguments generateTransaction will ask with: the grandparent, max shares, desired weight. */
  start: bigint | null;
  maxShares: number;
  desiredWeight: bigint;
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

export interface WorkBasis {
  /** Monotonic per sharechain instance. */
  basisId: number;
  network: string;
  syncState: SyncStateName;
  /** Parent of the next share (the best share); null = start a new chain (genesis). */
  previousShareHash: bigint | null;
  /** Share type to produce (docs/protocol.md §5.6) and the vote it carries. */
  shareVersion: number;
  desiredVersion: number;
  /** The parent's height and missing ancestor in the node's tracker. */
  height: number;
  last: bigint | null;
  /** Newest first: the parent and its ancestors, as many as generateTransaction reads. */
  chain: { hash: bigint; packed: Buffer }[];
  /** Block bits the PPLNS window was computed for (null before the first template). */
  blockBits: number | null;
  /** [V36] for share version 36: the decayed window (start = the parent, desiredWeight 0, script keys). */
  pplns: PplnsWindow | null;
  /** [V36] merged_payout_hash of a share on top of previousShareHash (null = None or not v36). */
  mergedPayoutHash: bigint | null;
  /** [V36] Dogecoin's merged PPLNS weights for the next share (spec p2pool-v36 §8.3; docs/merged-mining.md). */
  mergedWeights?: MergedWeights | null;
  /** pre_target3 (exact) and its compact bounds, for display and for edges choosing share targets. */
  preTarget3: bigint;
  maxBits: number;
  minBits: number;
  /** stale_info (docs/protocol.md §5.5) for this node's next share. */
  staleInfo: number;
  /** [JT] think() asks for difficulty-1 shares (docs/protocol.md §8.5 step 3). */
  punishAggressively: boolean;
  /** [JT] gentx size/weight of the last verified share: generateTransaction's block budget. */
  gentxSize?: number;
  gentxWeight?: number;
  /** Node payout address (-a) and fees, for usernames that are not addresses. */
  nodeAddress: string;
  workerFeePercent: number;
  donationPercent: number;
  /** Template the basis saw last (informational: the edge may pair the basis with any template of the same bits). */
  templateId: number;
  localHashRate: number | null;
  publishedAtMs: number;
}

/** How many shares of the best chain the basis carries. */
export function basisChainLength(net: Network): number {
  return Math.max(net.TARGET_LOOKBEHIND, 100, TX_REF_LOOKBACK) + 1;
}

/** What buildWorkBasis needs: the tracker and best share, plus the fields it copies into the basis as they are. */
export type BasisInput = Pick<
  WorkBasis,
  | 'blockBits'
  | 'basisId'
  | 'syncState'
  | 'staleInfo'
  | 'punishAggressively'
  | 'gentxSize'
  | 'gentxWeight'
  | 'nodeAddress'
  | 'workerFeePercent'
  | 'donationPercent'
  | 'templateId'
  | 'localHashRate'
> & {
  tracker: ShareTracker;
  net: Network;
  best: bigint | null;
  nowMs: number;
  /** [V36] the node's mint-side version decision (docs/consensus-core.md, V36); the JT rule otherwise. */
  ratchet?: VersionRatchet;
  /** --max-share-version: no share version above this is minted or voted for (a release held back). */
  maxShareVersion?: number;
  /** Receives the ratchet's decision (logs, stats, metrics). */
  onVersionDecision?: (d: RatchetDecision) => void;
};

export function buildWorkBasis(i: BasisInput): WorkBasis {
  const { tracker, net, best } = i;
  const prev = best === null ? undefined : tracker.get(best);
  const successorOf = (v: number) => shareVersion(net.LINEAGE, v)?.successor ?? null;
  let version: number;
  if (net.LINEAGE === 'V36' && i.ratchet && (prev === undefined || prev.type === 35 || prev.type === 36)) {
    const d = i.ratchet.decide(tracker, net, best);
    i.onVersionDecision?.(d);
    version = prev === undefined && net.GENESIS_SHARE_VERSION === 36 ? 36 : d.version;
  } else version = versionToProduce(tracker, net, prev, successorOf).version;
  // A node held back (--max-share-version) mints and votes as the release before the hardfork did.
  const cap = i.maxShareVersion ?? Number.POSITIVE_INFINITY;
  if (version > cap && shareVersion(net.LINEAGE, cap)) version = cap;
  const rules = shareVersion(net.LINEAGE, version);
  const [height, last] = tracker.getHeightAndLast(best);
  const chain: WorkBasis['chain'] = [];
  if (best !== null)
    for (const s of tracker.getChain(best, Math.min(height, basisChainLength(net)))) chain.push({ hash: s.hash, packed: s.pack() });
  const pre = preTarget3(tracker, net, best);
  let pplns: PplnsWindow | null = null;
  let mergedPayoutHash: bigint | null = null;
  let merged: MergedWeights | null = null;
  if (rules?.mergedMining) {
    // V36 does not depend on the block target: the decayed window from the parent (docs/consensus-core.md, V36).
    const maxShares = Math.min(height, net.REAL_CHAIN_LENGTH);
    if (height >= net.REAL_CHAIN_LENGTH || last === null) {
      const w = tracker.decayedPplns(best, maxShares, net.CHAIN_LENGTH);
      pplns = { start: best, maxShares, desiredWeight: 0n, weights: w.weights, total: w.total, donation: w.donation };
      mergedPayoutHash = tracker.mergedPayoutHashOf(best, net.REAL_CHAIN_LENGTH);
      // What the canonical DOGE coinbase of the next share pays (the work generator's query, §8.5).
      if (best !== null && height > 0) merged = mergedWeights(tracker, best, maxShares, DOGE_CHAIN_ID, tracker.mergedLookup);
    }
  } else if (i.blockBits !== null) {
    // Exactly the query generateTransaction makes (docs/protocol.md §6.3).
    const start = prev ? prev.previousHash : null;
    const maxShares = Math.max(0, Math.min(height, net.REAL_CHAIN_LENGTH) - 1);
    const desiredWeight = 65535n * BigInt(net.SPREAD) * targetToAverageAttempts(bitsToTarget(i.blockBits));
    const complete = height >= net.REAL_CHAIN_LENGTH || last === null;
    if (complete) {
      const w = tracker.pplns.get(start, maxShares, desiredWeight);
      pplns = { start, maxShares, desiredWeight, weights: w.weights, total: w.total, donation: w.donation };
    }
  }
  return {
    basisId: i.basisId,
    network: net.NAME,
    syncState: i.syncState,
    previousShareHash: best,
    shareVersion: version,
    desiredVersion: Math.min(rules?.votingVersion ?? version, Math.max(cap, version)),
    height,
    last,
    chain,
    blockBits: i.blockBits,
    pplns,
    mergedPayoutHash,
    mergedWeights: merged,
    preTarget3: pre,
    maxBits: targetToBits(pre),
    minBits: targetToBits(pre / 30n),
    staleInfo: i.staleInfo,
    punishAggressively: i.punishAggressively,
    gentxSize: i.gentxSize,
    gentxWeight: i.gentxWeight,
    nodeAddress: i.nodeAddress,
    workerFeePercent: i.workerFeePercent,
    donationPercent: i.donationPercent,
    templateId: i.templateId,
    localHashRate: i.localHashRate,
    publishedAtMs: i.nowMs,
  };
}
