import type { Share } from '../share/share.ts';
import { Tracker } from './forest.ts';
import { PplnsWindows } from '../pplns/weights.ts';
import { MergedAddressLookup } from '../merged/lookup.ts';
import { mergedPayoutHash } from '../merged/payout-hash.ts';
import { MergedPayoutWindows } from '../merged/weights.ts';
import { decayedWeights, type DecayedWeights } from '../pplns/decayed.ts';

/**
 * The node's tracker (the reference's OkayTracker): every known share, the `verified` subset
 * that passed check(), and the PPLNS windows over the full forest.
 */
export class ShareTracker extends Tracker<Share> {
  readonly verified = new Tracker<Share>();
  readonly pplns = new PplnsWindows<Share>(this);
  /** v36: merged addresses learnt from shares as they are added, before verification (hazard H1). */
  readonly mergedLookup = new MergedAddressLookup();
  readonly mergedPayouts = new MergedPayoutWindows<Share>(this);

  /** V36 PPLNS for a share on top of `start` (a view holding only part of the chain answers from its basis). */
  decayedPplns(start: bigint | null, maxShares: number, chainLength: number): DecayedWeights {
    return decayedWeights(this, start, maxShares, chainLength);
  }

  /** merged_payout_hash for a share on top of `prevHash`. */
  mergedPayoutHashOf(prevHash: bigint | null, realChainLength: number): bigint | null {
    return mergedPayoutHash(this, prevHash, realChainLength, this.mergedPayouts);
  }

  override add(share: Share): void {
    super.add(share);
    if (share.mergedAddresses) this.mergedLookup.register(share.payoutScriptHex, share.mergedAddresses);
  }

  override remove(hash: bigint): Share {
    if (this.verified.has(hash)) this.verified.remove(hash);
    return super.remove(hash);
  }

  override removeMany(hashes: Iterable<bigint>): Share[] {
    const list = [...hashes];
    this.verified.removeMany(list.filter((h) => this.verified.has(h)));
    return super.removeMany(list);
  }
}
