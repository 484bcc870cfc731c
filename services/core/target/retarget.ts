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
export function poolAttempts<T extends TimedItem>(
  tracker: Tracker<T>,
  near: bigint,
  dist: number,
  minWork: boolean,
): { attempts: bigint; seconds: number } {
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
  const basis = retargetBasis(tracker, net, prevHash);
  return basis === null ? net.MAX_TARGET : clampRetarget(net, basis.aimed, basis.prevMaxTarget);
}

/** The unclamped retarget and the parent's max_target, or null while the chain is shorter than the lookbehind. */
export interface RetargetBasis {
  aimed: bigint;
  prevMaxTarget: bigint;
  prevTimestamp: number;
}

export function retargetBasis<T extends TimedItem>(tracker: Tracker<T>, net: Network, prevHash: bigint | null): RetargetBasis | null {
  const height = tracker.getHeight(prevHash);
  if (prevHash === null || height < net.TARGET_LOOKBEHIND) return null;
  const aps = poolAttemptsPerSecondInt(tracker, prevHash, net.TARGET_LOOKBEHIND, true);
  const prev = tracker.get(prevHash)!;
  return {
    aimed: aps !== 0n ? TWO256 / (BigInt(net.SHARE_PERIOD) * aps) - 1n : TWO256 - 1n,
    prevMaxTarget: prev.maxTarget,
    prevTimestamp: prev.timestamp,
  };
}

/** ±10 % around `reference`, then within [MIN_TARGET, MAX_TARGET]. */
export function clampRetarget(net: Network, aimed: bigint, reference: bigint): bigint {
  return clip(clip(aimed, (reference * 9n) / 10n, (reference * 11n) / 10n), net.MIN_TARGET, net.MAX_TARGET);
}

/**
 * V36's emergency decay (docs/consensus-core.md, V36): after a gap of more than 20 share periods the
 * clamp's reference doubles every 10 periods (linear within each step), capped at MAX_TARGET, so a
 * pool that lost its hash rate can retarget down. `gap` uses the share's claimed timestamp.
 */
export function emergencyReference(net: Network, prevMaxTarget: bigint, gap: number): bigint {
  const threshold = 20 * net.SHARE_PERIOD;
  if (gap <= threshold) return prevMaxTarget;
  const halfLife = 10 * net.SHARE_PERIOD;
  const excess = gap - threshold;
  const eased = ((prevMaxTarget << BigInt(Math.floor(excess / halfLife))) * BigInt(halfLife + (excess % halfLife))) / BigInt(halfLife);
  return eased < net.MAX_TARGET ? eased : net.MAX_TARGET;
}

/** V36's pre_target3 for a share claiming `desiredTimestamp`. */
export function preTarget3V36(net: Network, basis: RetargetBasis | null, desiredTimestamp: number): bigint {
  if (basis === null) return net.MAX_TARGET;
  const gap = Math.max(0, desiredTimestamp - basis.prevTimestamp);
  return clampRetarget(net, basis.aimed, emergencyReference(net, basis.prevMaxTarget, gap));
}

/** max_bits and bits for a share that asks for `desiredTarget` (a miner may choose up to 30× harder). */
export function shareBits(preTarget: bigint, desiredTarget: bigint): { maxBits: number; bits: number } {
  return { maxBits: targetToBits(preTarget), bits: targetToBits(clip(desiredTarget, preTarget / 30n, preTarget)) };
}
