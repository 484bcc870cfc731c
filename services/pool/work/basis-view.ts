// The edge's side of the work basis (see basis.ts): a small tracker rebuilt from the basis, on which
// the core's generateTransaction runs unchanged. Shares already parsed for an earlier basis are
// reused, so a new best share costs one parse. Synchronous: jobs are built from memory.
import {
  ShareTracker,
  PplnsWindows,
  generateTransaction,
  prepareGeneration,
  parseWrappedShare,
  shareVersion,
  type CumulativeWeights,
  type GenerateInput,
  type GenerationBase,
  type GenerationBaseInput,
  type Generated,
  type Network,
  type Share,
  type ShareData,
  type DecayedWeights,
} from '../../core/index.ts';
import type { PplnsWindow, WorkBasis } from './basis.ts';

export class BasisMismatchError extends Error {}

/** The one PPLNS query of the basis, answered from the numbers the sharechain computed. */
class FixedPplns extends PplnsWindows<Share> {
  fixed: PplnsWindow | null = null;

  override get(start: bigint | null, maxShares: number, desiredWeight: bigint): CumulativeWeights {
    const w = this.fixed;
    if (!w) throw new BasisMismatchError('the work basis has no PPLNS window yet (no template, or the chain is incomplete)');
    if (w.start !== start || w.maxShares !== maxShares || w.desiredWeight !== desiredWeight) {
      throw new BasisMismatchError('the work basis was computed for another block target: wait for the next basis');
    }
    return { weights: new Map(w.weights), total: w.total, donation: w.donation };
  }
}

/** A ShareTracker holding the basis chain, answering heights as the full tracker does. */
class BasisTracker extends ShareTracker {
  override readonly pplns: FixedPplns = new FixedPplns(this);
  readonly trueHeight = new Map<bigint, [number, bigint | null]>();

  mergedPayoutHashFixed: { prev: bigint | null; hash: bigint | null } | null = null;

  override decayedPplns(start: bigint | null, maxShares: number): DecayedWeights {
    const w = this.pplns.fixed;
    if (!w || w.desiredWeight !== 0n)
      throw new BasisMismatchError('the work basis has no V36 PPLNS window (the chain is incomplete, or it is not a v36 basis)');
    if (w.start !== start || w.maxShares !== maxShares) throw new BasisMismatchError('the work basis was computed for another parent');
    return { weights: new Map(w.weights), total: w.total, donation: w.donation };
  }

  override mergedPayoutHashOf(prevHash: bigint | null): bigint | null {
    const m = this.mergedPayoutHashFixed;
    if (!m || m.prev !== prevHash) throw new BasisMismatchError('the work basis has no merged_payout_hash for this parent');
    return m.hash;
  }

  override getHeightAndLast(hash: bigint | null): [number, bigint | null] {
    const t = hash === null ? undefined : this.trueHeight.get(hash);
    return t ?? super.getHeightAndLast(hash);
  }
}

export type EdgeGenerateInput = Omit<GenerateInput, 'tracker' | 'net' | 'type' | 'gentxSize' | 'gentxWeight'>;
export type EdgeBaseInput = Omit<GenerationBaseInput, 'tracker' | 'net' | 'type' | 'gentxSize' | 'gentxWeight' | 'shareData'> & {
  subsidy: bigint;
};

export class WorkBasisView {
  readonly net: Network;
  private current: WorkBasis | null = null;
  private tracker = new BasisTracker();
  private parsed = new Map<bigint, Share>();

  constructor(net: Network) {
    this.net = net;
  }

  get basis(): WorkBasis | null {
    return this.current;
  }

  update(basis: WorkBasis): void {
    if (basis.network !== this.net.NAME) throw new BasisMismatchError(`work basis for ${basis.network}, this edge mines ${this.net.NAME}`);
    const tracker = new BasisTracker();
    const parsed = new Map<bigint, Share>();
    // Oldest first, so each share finds its parent.
    for (let i = basis.chain.length - 1; i >= 0; i--) {
      const { hash, packed } = basis.chain[i]!;
      const share = this.parsed.get(hash) ?? parseWrappedShare(this.net, packed);
      if (share.hash !== hash) throw new BasisMismatchError('work basis share does not hash to its announced hash');
      parsed.set(hash, share);
      tracker.add(share);
      tracker.trueHeight.set(hash, [basis.height - i, basis.last]);
    }
    tracker.pplns.fixed = basis.pplns;
    tracker.mergedPayoutHashFixed = { prev: basis.previousShareHash, hash: basis.mergedPayoutHash };
    this.tracker = tracker;
    this.parsed = parsed;
    this.current = basis;
  }

  /** share_data for a new share paying `address`, with the basis's parent, vote and stale_info. */
  shareData(opts: { address: string; coinbase: Buffer; subsidy: bigint; random?: () => number; donationPercent?: number }): ShareData {
    const b = this.requireBasis();
    const random = opts.random ?? Math.random;
    const pct = opts.donationPercent ?? b.donationPercent;
    return {
      previousShareHash: b.previousShareHash,
      coinbase: opts.coinbase,
      nonce: Math.floor(random() * 0x100000000) >>> 0,
      address: opts.address,
      subsidy: opts.subsidy,
      // Randomized rounding, as the reference (docs/protocol.md §8.5).
      donation: Math.floor((65535 * pct) / 100 + random()),
      staleInfo: b.staleInfo,
      desiredVersion: b.desiredVersion,
    };
  }

  /** generate_transaction for the basis's parent: the same function, the same bytes as the sharechain's tracker. */
  generate(input: EdgeGenerateInput): Generated {
    const b = this.requireBasis();
    if (input.shareData.previousShareHash !== b.previousShareHash)
      throw new BasisMismatchError('share_data names another parent than the work basis');
    return generateTransaction({
      ...input,
      tracker: this.tracker,
      net: this.net,
      type: b.shareVersion,
      gentxSize: b.gentxSize,
      gentxWeight: b.gentxWeight,
    });
  }

  /**
   * generate() bound to the current basis: later update()s of this view do not change what it
   * produces, so an edge can keep the inputs of a job instead of its Generated and run it again
   * when a solution arrives.
   */
  pinned(): (input: EdgeGenerateInput) => Generated {
    const b = this.requireBasis();
    const tracker = this.tracker;
    const net = this.net;
    return (input) => {
      if (input.shareData.previousShareHash !== b.previousShareHash)
        throw new BasisMismatchError('share_data names another parent than the work basis');
      return generateTransaction({ ...input, tracker, net, type: b.shareVersion, gentxSize: b.gentxSize, gentxWeight: b.gentxWeight });
    };
  }

  /**
   * The finder-independent stage of generate_transaction on the current basis (core
   * prepareGeneration): computed once per (template, basis) and finished per payout address with
   * finishGeneration. It holds its own results, so later update()s do not change it.
   */
  prepare(input: EdgeBaseInput): GenerationBase {
    const b = this.requireBasis();
    const { subsidy, ...rest } = input;
    return prepareGeneration({
      ...rest,
      shareData: { previousShareHash: b.previousShareHash, subsidy },
      tracker: this.tracker,
      net: this.net,
      type: b.shareVersion,
      gentxSize: b.gentxSize,
      gentxWeight: b.gentxWeight,
    });
  }

  /** Layout A (v < 34) shares pay only P2PKH addresses (docs/protocol.md §8.4); layout C (v36) P2PKH, P2WPKH and P2SH. */
  acceptsAddressKind(kind: string): boolean {
    const b = this.current;
    const rules = b ? shareVersion(this.net.LINEAGE, b.shareVersion) : undefined;
    if (rules?.layout === 'C') return kind === 'p2pkh' || kind === 'p2wpkh' || kind === 'p2sh';
    return !rules || rules.layout === 'B' || kind === 'p2pkh';
  }

  private requireBasis(): WorkBasis {
    if (!this.current) throw new BasisMismatchError('no work basis yet');
    return this.current;
  }
}
