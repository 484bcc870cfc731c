// For tests and benches: a work basis from the sharechain's neutral inputs (synced, no fee, no
// donation, no local hash rate, basis and template 1), with what a caller varies in `extra`.
import type { Network, ShareTracker } from '../../core/index.ts';
import { testAddresses } from '../../core/testing/chain-builder.ts';
import { buildWorkBasis, type BasisInput, type WorkBasis } from './basis.ts';

export function testBasis(
  net: Network,
  tracker: ShareTracker,
  best: bigint,
  blockBits: number,
  extra: Partial<BasisInput> = {},
): WorkBasis {
  return buildWorkBasis({
    tracker,
    net,
    best,
    blockBits,
    basisId: 1,
    syncState: 'synced',
    staleInfo: 0,
    punishAggressively: false,
    nodeAddress: testAddresses(net, 1)[0]!,
    workerFeePercent: 0,
    donationPercent: 0,
    templateId: 1,
    localHashRate: null,
    nowMs: 0,
    ...extra,
  });
}
