import { targetToBits } from '../bitcoin/bits.ts';
import type { ChainItem, Tracker } from '../tracker/forest.ts';
import type { Network } from '../networks/types.ts';

export interface TimedItem extends ChainItem {
  readonly timestamp: number;
}

const TWO256 = 1n << 256n;

function clip(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Attempts and seconds over the `dist - 1` shares in (far, near], far = the (dist-1)th ancestor
 * (`get_pool_attempts_per_second`). `minWork` counts each share at its minimum difficulty.
 */
export function poolAttempts<T extends TimedItem>(tracker: Tracker<T>, near: bigint, dist: number, minWork: boolean): { attempts: bigint; seconds: number } {
  const far = tracker.getNthParentHash(near, dist - 1)!;
  const delta = tracker.getDelta(near, far);
  let seconds = tracker.get(near)!.timestamp - tracker.get(far)!.timestamp;
  if (seconds <= 0) seconds = 1;
  return { attempts: minWork ? delta.minWork : delta.work, seconds };
}

/** Integer attempts per second, as the retarget rule uses it. */
export function poolAttemptsPerSecondInt<T extends TimedItem>(tracker: Tracker<T>, near: bigint, dist: number, minWork: boolean): bigint {
  const { attempts, seconds } = poolAttempts(tracker, near, dist, minWork);
  return attempts / BigInt(seconds);
}

/** Floating attempts per second, for display. */
export function poolAttemptsPerSecond<T extends TimedItem>(tracker: Tracker<T>, near: bigint, dist: number, minWork = false): number {
  const { attempts, seconds } = poolAttempts(tracker, near, dist, minWork);
  return Number(attempts) / seconds;
}

/**
 * The share-difficulty bounds for a share on top of `prevHash` (docs/protocol.md §5.3): the retargeted maximum
 * target `preTarget3`, tracking one share per SHARE_PERIOD and moving ±10 % per share at most.
 */
export function preTarget3<T extends TimedItem>(tracker: Tracker<T>, net: Network, prevHash: bigint | null): bigint {
  const height = tracker.getHeight(prevHash);
  if (prevHash === null || height < net.TARGET_LOOKBEHIND) return net.MAX_TARGET;
  const aps = poolAttemptsPerSecondInt(tracker, prevHash, net.TARGET_LOOKBEHIND, true);
  const preTarget = aps !== 0n ? TWO256 / (BigInt(net.SHARE_PERIOD) * aps) - 1n : TWO256 - 1n;
  const prevMax = tracker.get(prevHash)!.maxTarget;
  const preTarget2 = clip(preTarget, (prevMax * 9n) / 10n, (prevMax * 11n) / 10n);
  return clip(preTarget2, net.MIN_TARGET, net.MAX_TARGET);
}

/** max_bits and bits for a share that asks for `desiredTarget` (a miner may choose up to 30× harder). */
export function shareBits(preTarget: bigint, desiredTarget: bigint): { maxBits: number; bits: number } {
  return { maxBits: targetToBits(preTarget), bits: targetToBits(clip(desiredTarget, preTarget / 30n, preTarget)) };
}
