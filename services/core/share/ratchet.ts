import type { Network } from '../networks/types.ts';
import type { ShareTracker } from '../tracker/share-tracker.ts';
import { countsTotal, votingWindowCounts } from './voting.ts';

export type RatchetState = 'voting' | 'activated' | 'confirmed';

export interface RatchetDecision {
  /** The share version to mint on top of the best share. */
  version: number;
  state: RatchetState;
  /** Why, in words (for logs and stats). */
  reason: string;
  /** Percent of the last min(height, CHAIN_LENGTH) shares voting ≥ 36, and being v36. */
  votePercent: number;
  sharePercent: number;
  /** Distinct peers (other than this node) among the shares voting 36 in that window. */
  origins: number;
}

export interface RatchetSnapshot {
  state: RatchetState;
  activatedHeight: number;
  confirmCount: number;
  lastSeen: number;
}

export interface RatchetOptions {
  /** Activation needs YES votes from at least this many distinct origins besides this node. */
  minOrigins?: number;
  activatePercent?: number;
  /** Below this (with a full window) an activated node goes back to voting: the hysteresis band. */
  deactivatePercent?: number;
  /** Where the node starts: 'confirmed' on a network whose chains start at v36 (nothing to switch). */
  initialState?: RatchetState;
  /** This node's own origin when its shares carry one (simulations); shares with no origin are always ours. */
  selfOrigin?: string;
}

/** The origin of a received share: its peer's host (one per machine, whatever the port). */
function originOf(peerAddr: string | null): string | null {
  if (peerAddr === null) return null;
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(peerAddr);
  return m ? m[1]! : peerAddr;
}

/**
 * Which version this node mints (v35 → v36), the reference's AutoRatchet made safe
 * (docs/consensus-core.md, V36): VOTING → ACTIVATED when a full window of CHAIN_LENGTH shares has
 * ≥ 95 % YES votes from at least two distinct origins besides this node and the accept rule's
 * work-weighted tail guard passes; ACTIVATED → VOTING below 50 % (hysteresis); ACTIVATED →
 * CONFIRMED after 2·CHAIN_LENGTH further shares at ≥ 95 % v36. Consensus-neutral: it only decides
 * what we mint, and never a v36 share the accept rule would reject. State lives in memory.
 */
export class VersionRatchet {
  state: RatchetState = 'voting';
  activatedHeight = 0;
  confirmCount = 0;
  private lastSeen = 0;
  private readonly minOrigins: number;
  private readonly activate: number;
  private readonly deactivate: number;
  private readonly selfOrigin: string | null;

  constructor(opts: RatchetOptions = {}) {
    this.minOrigins = opts.minOrigins ?? 2;
    this.activate = opts.activatePercent ?? 95;
    this.deactivate = opts.deactivatePercent ?? 50;
    if (this.deactivate >= this.activate) throw new Error('the deactivation threshold must lie below the activation threshold');
    this.state = opts.initialState ?? 'voting';
    this.selfOrigin = opts.selfOrigin ?? null;
  }

  /** What a node keeps across restarts (the reference's v36_ratchet.json). */
  snapshot(): RatchetSnapshot {
    return { state: this.state, activatedHeight: this.activatedHeight, confirmCount: this.confirmCount, lastSeen: this.lastSeen };
  }

  /** Resume from a snapshot; anything malformed is ignored (the node starts from its initial state). */
  restore(s: unknown): boolean {
    const o = s as Partial<RatchetSnapshot> | null;
    if (!o || !['voting', 'activated', 'confirmed'].includes(o.state as string)) return false;
    const n = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
    this.state = o.state as RatchetState;
    this.activatedHeight = n(o.activatedHeight);
    this.confirmCount = n(o.confirmCount);
    this.lastSeen = n(o.lastSeen);
    return true;
  }

  decide(tracker: ShareTracker, net: Network, best: bigint | null, from = 35, to = 36): RatchetDecision {
    const height = best === null ? 0 : tracker.getHeight(best);
    const mint = (v36: boolean, reason: string, votePercent = 0, sharePercent = 0, origins = 0): RatchetDecision => ({
      version: v36 ? to : from,
      state: this.state,
      reason,
      votePercent,
      sharePercent,
      origins,
    });
    if (best === null || height < 1) return mint(this.state === 'confirmed', 'no chain yet');
    const sample = Math.min(height, net.CHAIN_LENGTH);
    let votes = 0;
    let upgraded = 0;
    const origins = new Set<string>();
    for (const s of tracker.getChain(best, sample)) {
      if (s.desiredVersion >= to) {
        votes++;
        const o = originOf(s.peerAddr);
        if (o !== null && o !== this.selfOrigin) origins.add(o);
      }
      if (s.type >= to) upgraded++;
    }
    const votePercent = Math.floor((votes * 100) / sample);
    const sharePercent = Math.floor((upgraded * 100) / sample);
    const full = sample >= net.CHAIN_LENGTH;
    const done = (v36: boolean, reason: string) => mint(v36, reason, votePercent, sharePercent, origins.size);
    const maybeConfirm = () => {
      if (this.confirmCount >= 2 * net.CHAIN_LENGTH && sharePercent >= this.activate) this.state = 'confirmed';
    };
    if (this.state === 'voting') {
      if (!full) return done(false, `voting: window ${sample}/${net.CHAIN_LENGTH} not full`);
      if (votePercent < this.activate) return done(false, `voting: ${votePercent}% vote ${to} (< ${this.activate}%)`);
      if (origins.size < this.minOrigins)
        return done(false, `voting: ${votePercent}% vote ${to} but from ${origins.size} other origin(s) (< ${this.minOrigins})`);
      if (!this.acceptRuleAllows(tracker, net, best, to))
        return done(false, `voting: the oldest tenth of the window has < 60% of its work voting ${to}`);
      this.state = 'activated';
      this.activatedHeight = height;
      this.confirmCount = Math.max(0, height - net.CHAIN_LENGTH);
      this.lastSeen = height;
      maybeConfirm();
    } else if (this.state === 'activated') {
      if (full && votePercent < this.deactivate) {
        this.state = 'voting';
        this.confirmCount = 0;
        return done(false, `deactivated: ${votePercent}% vote ${to} (< ${this.deactivate}%)`);
      }
      this.confirmCount += Math.max(0, height - this.lastSeen);
      this.lastSeen = height;
      maybeConfirm();
    } else if (full && votePercent < this.deactivate) {
      return done(false, `confirmed, but ${votePercent}% vote ${to} (< ${this.deactivate}%): minting ${from} for now`);
    }
    const parent = tracker.get(best)!;
    if (parent.type < to && !this.acceptRuleAllows(tracker, net, best, to))
      return done(false, `${this.state}: a v${to} share on this v${parent.type} parent would be rejected`);
    return done(true, `${this.state}: ${votePercent}% vote ${to}, ${sharePercent}% are v${to}`);
  }

  /** The accept rule for a v36 share on `best` (exact rational form of 60 %). */
  private acceptRuleAllows(tracker: ShareTracker, net: Network, best: bigint, to: number): boolean {
    if (tracker.getHeight(best) < net.CHAIN_LENGTH) return false;
    const tail = votingWindowCounts(tracker, net, best);
    const sum = countsTotal(tail);
    return !(sum > 0n && (tail.get(to) ?? 0n) * 100n < sum * 60n);
  }
}
