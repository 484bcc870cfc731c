import type { Tracker } from '../tracker/forest.ts';
import type { PayoutItem } from './weights.ts';

/** What V36's decayed PPLNS needs of a share: its work, donation and payout script (hex). */
export interface ScriptPayoutItem extends PayoutItem {
  readonly payoutScriptHex: string;
}

export interface DecayedWeights {
  /** payout script (hex) → Σ decayed att · (65535 − donation); zero weights are kept, as in the reference. */
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

const SCALE_BITS = 40n;
const SCALE = 1n << SCALE_BITS;
const W = 65535n;
const factorTables = new Map<number, bigint[]>();

/** 2^40 · (1 − ln2 / half-life), truncated as the reference computes it (half-life = CHAIN_LENGTH // 4). */
export function decayPerShare(chainLength: number): bigint {
  const halfLife = BigInt(Math.max(Math.floor(chainLength / 4), 1));
  return SCALE - (SCALE * 693147n) / (1000000n * halfLife);
}

/** The depth factors f_0 = 2^40, f_{i+1} = (f_i · decay) >> 40, grown on demand and shared per chain length. */
function factors(chainLength: number, n: number): bigint[] {
  let t = factorTables.get(chainLength);
  if (!t) factorTables.set(chainLength, (t = [SCALE]));
  if (t.length < n) {
    const per = decayPerShare(chainLength);
    for (let f = t[t.length - 1]!; t.length < n; ) t.push((f = (f * per) >> SCALE_BITS));
  }
  return t;
}

/** One payout script's sums over the window: Σ att and Σ att · donation. */
interface ScriptSums {
  att: bigint;
  donated: bigint;
}

/**
 * V36 PPLNS (docs/consensus-core.md, V36): `maxShares` shares from `start` back, each weighing
 * att(target) scaled by an exponential depth decay in 40-bit fixed point, keyed by payout script.
 * The decay depends on the depth, so the window is walked whole for each share. The hot loop sums
 * att and att · donation per script; weight = 65535 · Σ att − Σ att · donation is the reference's
 * Σ att · (65535 − donation) exactly (integers), with a third of the bigint operations per share.
 */
export function decayedWeights<T extends ScriptPayoutItem>(
  tracker: Tracker<T>,
  start: bigint | null,
  maxShares: number,
  chainLength: number,
): DecayedWeights {
  const weights = new Map<string, bigint>();
  if (start === null || maxShares <= 0) return { weights, total: 0n, donation: 0n };
  const f = factors(chainLength, maxShares);
  const sums = new Map<string, ScriptSums>();
  let att = 0n;
  let node = tracker.node(start);
  for (let i = 0; i < maxShares && node; i++) {
    const a = (node.work * f[i]!) >> SCALE_BITS;
    const key = node.item.payoutScriptHex;
    let s = sums.get(key);
    if (s === undefined) sums.set(key, (s = { att: 0n, donated: 0n }));
    s.att += a;
    const d = node.item.donation;
    if (d !== 0) s.donated += a * BigInt(d);
    att += a;
    node = node.parent ?? undefined;
  }
  let donation = 0n;
  for (const [key, s] of sums) {
    weights.set(key, s.att * W - s.donated);
    donation += s.donated;
  }
  return { weights, total: att * W, donation };
}
