import { hash256 } from '../crypto/hash.ts';
import type { Tracker } from '../tracker/forest.ts';
import { mergedWeights, type MergedPayoutItem, type MergedPayoutWindows } from './weights.ts';

/**
 * `merged_payout_hash` of a share on top of `prevHash`: hash256 of the ASCII payload
 * `script:weight|…|T:total|D:donation` over the merged weights (scripts sorted by bytes), or null
 * for a chain without weight. Peers re-derive it, so it commits every share to the merged split.
 */
export function mergedPayout<T extends MergedPayoutItem>(
  tracker: Tracker<T>,
  prevHash: bigint | null,
  realChainLength: number,
  windows?: MergedPayoutWindows<T>,
): { hash: bigint; payload: string } | null {
  if (prevHash === null) return null;
  const height = tracker.getHeight(prevHash);
  if (height === 0) return null;
  const n = Math.min(height, realChainLength);
  const { weights, total, donation } = windows ? windows.get(prevHash, n) : mergedWeights(tracker, prevHash, n, null, null);
  if (weights.size === 0 || total === 0n) return null;
  const keys = [...weights.keys()].sort();
  const payload = [...keys.map((k) => `${k}:${weights.get(k)}`), `T:${total}`, `D:${donation}`].join('|');
  return { hash: hash256(Buffer.from(payload, 'ascii')), payload };
}

export function mergedPayoutHash<T extends MergedPayoutItem>(
  tracker: Tracker<T>,
  prevHash: bigint | null,
  realChainLength: number,
  windows?: MergedPayoutWindows<T>,
): bigint | null {
  return mergedPayout(tracker, prevHash, realChainLength, windows)?.hash ?? null;
}
