import type { Network } from '../networks/types.ts';
import type { Tracker } from '../tracker/forest.ts';
import type { Share } from './share.ts';

/** {desired_version: Σ att(target)} over `dist` shares from `start` back (`get_desired_version_counts`). */
export function desiredVersionCounts(tracker: Tracker<Share>, start: bigint, dist: number): Map<number, bigint> {
  const counts = new Map<number, bigint>();
  let node = tracker.node(start);
  for (let i = 0; i < dist && node; i++) {
    const v = node.item.desiredVersion;
    counts.set(v, (counts.get(v) ?? 0n) + node.work);
    node = node.parent ?? undefined;
  }
  return counts;
}

/** The voting window for a share on top of `prevHash`: the oldest tenth of the last CHAIN_LENGTH shares. */
export function votingWindowCounts(tracker: Tracker<Share>, net: Network, prevHash: bigint): Map<number, bigint> {
  const start = tracker.getNthParentHash(prevHash, Math.floor((net.CHAIN_LENGTH * 9) / 10))!;
  return desiredVersionCounts(tracker, start, Math.floor(net.CHAIN_LENGTH / 10));
}

export function countsTotal(counts: Map<number, bigint>): bigint {
  let t = 0n;
  for (const v of counts.values()) t += v;
  return t;
}

/**
 * The version to produce on top of `prev` (docs/protocol.md §5.6): the same as prev's, or its successor once
 * strictly more than 95 % of the voting window asks for it.
 */
export function versionToProduce(
  tracker: Tracker<Share>,
  net: Network,
  prev: Share | undefined,
  successorOf: (v: number) => number | null,
): { version: number; upgradeShare: number } {
  if (!prev) return { version: net.GENESIS_SHARE_VERSION, upgradeShare: 0 };
  const succ = successorOf(prev.type);
  if (succ === null || tracker.getHeight(prev.hash) < net.CHAIN_LENGTH) return { version: prev.type, upgradeShare: 0 };
  const counts = votingWindowCounts(tracker, net, prev.hash);
  const total = countsTotal(counts);
  const mine = counts.get(succ) ?? 0n;
  const share = total > 0n ? Number((mine * 10000n) / total) / 10000 : 0;
  return { version: mine > (total * 95n) / 100n ? succ : prev.type, upgradeShare: share };
}
