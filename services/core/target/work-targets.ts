import { averageAttemptsToTarget, difficultyToTarget, targetToAverageAttempts } from '../bitcoin/difficulty.ts';
import type { Network } from '../networks/types.ts';

const MAX = (1n << 256n) - 1n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

export interface ShareTargetInput {
  net: Network;
  blockTarget: bigint;
  /** `/DIFF` from the username: used as is. */
  userDifficulty?: number;
  /** The node's local hashrate estimate in H/s (null until 50 pseudoshares). */
  localRate: number | null;
  /** [JT] think() said to punish aggressively: ask for difficulty-1 shares. */
  punishAggressively: boolean;
  /** Dust rule inputs; omit while the best chain is not longer than 3600 / SHARE_PERIOD shares. */
  dust?: { addressRate: number; poolRate: number; subsidy: bigint; donationPercent: number };
}

/**
 * The share target a miner is asked for (docs/protocol.md §8.5, local policy): about 1.67 % of pool shares per
 * node, and harder shares for miners whose expected payout would fall below the dust threshold.
 * Consensus clips the result to [pre_target3 / 30, pre_target3] afterwards.
 */
export function desiredShareTarget(i: ShareTargetInput): bigint {
  if (i.userDifficulty !== undefined) return difficultyToTarget(i.userDifficulty);
  let t = MAX;
  if (i.localRate !== null) t = min(t, averageAttemptsToTarget((i.localRate * i.net.SHARE_PERIOD) / 0.0167));
  if (i.punishAggressively) t = difficultyToTarget(1);
  if (i.dust) {
    const expected = (i.dust.addressRate / i.dust.poolRate) * Number(i.dust.subsidy) * (1 - i.dust.donationPercent / 100);
    if (expected < Number(i.net.PARENT.DUST_THRESHOLD)) {
      t = min(t, dustTarget(i.net, i.blockTarget, i.dust.subsidy));
    }
  }
  return t;
}

function dustTarget(net: Network, blockTarget: bigint, subsidy: bigint): bigint {
  return averageAttemptsToTarget(
    (Number(targetToAverageAttempts(blockTarget)) * net.SPREAD * Number(net.PARENT.DUST_THRESHOLD)) / Number(subsidy),
  );
}

export interface PseudoshareTargetInput {
  net: Network;
  blockTarget: bigint;
  /** The share target of the work (every share is also a pseudoshare). */
  shareTarget: bigint;
  /** `+DIFF` from the username. */
  userDifficulty?: number;
  localRate: number | null;
  subsidy: bigint;
  /** Merged-mining targets: a pseudoshare must be checked against each. */
  auxTargets?: bigint[];
}

/** The pseudoshare target ([JT]: ~10 pseudoshares/s node-wide), clipped to the coin's sane range. */
export function pseudoshareTarget(i: PseudoshareTargetInput): bigint {
  let t: bigint;
  if (i.userDifficulty !== undefined) t = max(difficultyToTarget(i.userDifficulty), i.blockTarget);
  else if (i.localRate !== null) t = averageAttemptsToTarget(i.localRate / 10);
  else t = min(MAX, 3000n * dustTarget(i.net, i.blockTarget, i.subsidy));
  t = max(t, i.shareTarget);
  for (const a of i.auxTargets ?? []) t = max(t, a);
  const [lo, hi] = i.net.PARENT.SANE_TARGET_RANGE;
  return t < lo ? lo : t > hi ? hi : t;
}
