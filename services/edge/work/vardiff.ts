// Per-connection pseudoshare difficulty (the reference's JT vardiff, docs/protocol.md §8.3), plus a grace
// period: right after a retarget, shares at the previous target still count, because the miner
// may have been hashing at the old difficulty when our set_difficulty was in flight.
import { targetToBE, hashMeetsTarget, clampTarget } from '../codec/target.ts';

const MAX_RECENT = 12;

export interface VardiffLimits {
  /** Hardest allowed pseudoshare target. */
  minTarget: bigint;
  /** Easiest allowed pseudoshare target. */
  maxTarget: bigint;
}

export class Vardiff {
  target: bigint;
  targetBE: Buffer;
  private previousBE: Buffer | null = null;
  private graceUntil = 0;
  /** Set by `+PSEUDODIFF`: the target never moves. */
  readonly fixed: boolean;
  private readonly rateMs: number;
  private readonly graceMs: number;
  private readonly limits: VardiffLimits;
  /** Pseudoshares may never be harder than a P2Pool share (every share is a pseudoshare). */
  private floor = 0n;
  private times: number[] = [];

  constructor(target: bigint, now: number, opts: { shareRateSeconds: number; graceMs: number; fixed: boolean; limits: VardiffLimits }) {
    this.rateMs = opts.shareRateSeconds * 1000;
    this.graceMs = opts.graceMs;
    this.limits = opts.limits;
    this.fixed = opts.fixed;
    this.target = opts.fixed ? target : clampTarget(target, opts.limits.minTarget, opts.limits.maxTarget);
    this.targetBE = targetToBE(this.target);
    this.times.push(now);
  }

  /** Raises the target to at least `shareTarget`; returns true if the target changed. */
  setFloor(shareTarget: bigint, now: number): boolean {
    this.floor = shareTarget;
    if (this.target >= shareTarget) return false;
    this.retarget(shareTarget, now);
    return true;
  }

  /** An explicit starting point (mining.suggest_difficulty). Ignored when fixed. */
  suggest(target: bigint, now: number): boolean {
    if (this.fixed) return false;
    const t = this.bound(target);
    if (t === this.target) return false;
    this.retarget(t, now);
    return true;
  }

  /** 0: below target; 1: meets the current target; 2: meets only the previous one, within grace. */
  judge(hashLE: Uint8Array, now: number): 0 | 1 | 2 {
    if (hashMeetsTarget(hashLE, this.targetBE)) return 1;
    if (this.previousBE !== null && now < this.graceUntil && hashMeetsTarget(hashLE, this.previousBE)) return 2;
    return 0;
  }

  /** Records an accepted pseudoshare; returns true when the target was retargeted. */
  onShare(now: number): boolean {
    if (this.fixed) return false;
    const t = this.times;
    t.push(now);
    const oldest = t[0]!;
    if (t.length <= MAX_RECENT + 1 && now - oldest <= 10 * (t.length - 1) * this.rateMs) return false;
    const intervals = t.length - 1;
    const ratio = Math.min(2, Math.max(0.5, (now - oldest) / (intervals * this.rateMs)));
    return this.scale(ratio, now);
  }

  /** Called by the sweeper: a miner silent for many share periods gets an easier target. */
  onIdle(now: number): boolean {
    if (this.fixed) return false;
    const last = this.times[this.times.length - 1]!;
    if (now - last < 10 * this.rateMs) return false;
    return this.scale(2, now);
  }

  private scale(ratio: number, now: number): boolean {
    const next = this.bound((this.target * BigInt(Math.round(ratio * 4096))) / 4096n);
    this.times = [now];
    if (next === this.target) return false;
    this.retarget(next, now);
    return true;
  }

  private bound(t: bigint): bigint {
    const c = clampTarget(t, this.limits.minTarget, this.limits.maxTarget);
    return c < this.floor ? this.floor : c;
  }

  private retarget(next: bigint, now: number): void {
    this.previousBE = this.targetBE;
    this.graceUntil = now + this.graceMs;
    this.target = next;
    this.targetBE = targetToBE(next);
    this.times = [now];
  }
}
