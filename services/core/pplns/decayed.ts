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

/**
 * V36 PPLNS (docs/consensus-core.md, V36): `maxShares` shares from `start` back, each weighing
 * att(target) scaled by an exponential depth decay in 40-bit fixed point, keyed by payout script.
 * The decay depends on the depth, so the window is walked whole for each share.
 */
export function decayedWeights<T extends ScriptPayoutItem>(
  tracker: Tracker<T>,
  start: bigint | null,
  maxShares: number,
  chainLength: number,
): DecayedWeights {
  const weights = new Map<string, bigint>();
  let total = 0n;
  let donation = 0n;
  if (start === null || maxShares <= 0) return { weights, total, donation };
  const f = factors(chainLength, maxShares);
  let node = tracker.node(start);
  for (let i = 0; i < maxShares && node; i++) {
    const a = (node.work * f[i]!) >> SCALE_BITS;
    const d = BigInt(node.item.donation);
    const key = node.item.payoutScriptHex;
    weights.set(key, (weights.get(key) ?? 0n) + a * (W - d));
    total += a * W;
    donation += a * d;
    node = node.parent ?? undefined;
  }
  return { weights, total, donation };
}
