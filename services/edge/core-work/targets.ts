// The node's share and pseudoshare target policy (docs/protocol.md §8.5) on the edge: the core's
// desiredShareTarget / pseudoshareTarget, fed from the work basis and the local rates.
import { desiredShareTarget, pseudoshareTarget, targetToAverageAttempts, type Network } from '../../core/index.ts';
import type { WorkBasis } from '../../pool/work/basis.ts';

/** Local hash rates the policy reads (H/s). Every function is optional; see CoreWorkOptions.rates. */
export interface LocalRates {
  /** The node's local hash rate estimate; default: the basis's localHashRate (the cluster-wide figure). */
  localRate?(): number | null;
  /** This address's local hash rate, for the dust rule; without it the dust rule is not applied. */
  addressRate?(address: string): number;
  /** The pool's attempts per second over the last 3600 / SHARE_PERIOD shares; default: estimated from pre_target3. */
  poolRate?(): number | null;
}

export interface ShareTargetRequest {
  net: Network;
  basis: WorkBasis;
  blockTarget: bigint;
  subsidy: bigint;
  address: string;
  /** `/DIFF` from the username as a target, or null. */
  requested: bigint | null;
  donationPercent: number;
  rates: LocalRates;
}

/**
 * pool_attempts_per_second estimated from pre_target3: the retarget sets pre_target3 so that one
 * share takes SHARE_PERIOD seconds of the pool's attempts over TARGET_LOOKBEHIND shares (§5.3).
 * Only used by the dust rule (local policy), and only when no exact figure is wired in.
 */
export function poolRateFromBasis(net: Network, basis: WorkBasis): number {
  return Number(targetToAverageAttempts(basis.preTarget3)) / net.SHARE_PERIOD;
}

/** desired_share_target for a job (before consensus clips it to [pre_target3 / 30, pre_target3]). */
export function shareTargetFor(r: ShareTargetRequest): bigint {
  if (r.requested !== null) return r.requested;
  const localRate = r.rates.localRate ? r.rates.localRate() : r.basis.localHashRate;
  let dust: { addressRate: number; poolRate: number; subsidy: bigint; donationPercent: number } | undefined;
  // The reference applies the dust rule once the best share is deeper than an hour of shares.
  if (r.rates.addressRate && r.basis.height > Math.floor(3600 / r.net.SHARE_PERIOD)) {
    const poolRate = (r.rates.poolRate ? r.rates.poolRate() : null) ?? poolRateFromBasis(r.net, r.basis);
    if (poolRate > 0)
      dust = { addressRate: r.rates.addressRate(r.address), poolRate, subsidy: r.subsidy, donationPercent: r.donationPercent };
  }
  return desiredShareTarget({
    net: r.net,
    blockTarget: r.blockTarget,
    localRate: localRate ?? null,
    punishAggressively: r.basis.punishAggressively,
    dust,
  });
}

/** The starting pseudoshare target the edge's vardiff begins from (§8.5, [JT] ~10 pseudoshares/s node-wide). */
export function pseudoshareTargetFor(
  net: Network,
  basis: WorkBasis,
  rates: LocalRates,
  blockTarget: bigint,
  shareTarget: bigint,
  subsidy: bigint,
  auxTarget?: bigint,
): bigint {
  const localRate = rates.localRate ? rates.localRate() : basis.localHashRate;
  return pseudoshareTarget({
    net,
    blockTarget,
    shareTarget,
    localRate: localRate ?? null,
    subsidy,
    ...(auxTarget === undefined ? {} : { auxTargets: [auxTarget] }),
  });
}
