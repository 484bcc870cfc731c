import type { Tracker } from '../tracker/forest.ts';
import type { ScriptPayoutItem } from '../pplns/decayed.ts';
import type { MergedAddress } from '../share/types.ts';
import type { MergedAddressLookup } from './lookup.ts';

/** What merged PPLNS needs of a share. */
export interface MergedPayoutItem extends ScriptPayoutItem {
  readonly desiredVersion: number;
  /** Whether the share is a v36 (MergedMiningShare): only those use explicit or learnt merged addresses. */
  readonly isMergedMiningShare: boolean;
  readonly mergedAddresses: readonly MergedAddress[] | null;
}

export interface MergedWeights {
  /**
   * key → weight. Keys are payout scripts (hex), or `MERGED:<hex>` for a merged-chain script taken
   * from the share's merged_addresses or the lookup (only when a chain id is given). Zero weights dropped.
   */
  weights: Map<string, bigint>;
  total: bigint;
  donation: bigint;
}

export const MERGED_KEY_PREFIX = 'MERGED:';
const W = 65535n;

/**
 * Merged-mining PPLNS over `maxShares` shares from `start` back: no decay and no cap; shares that
 * do not vote 36 count toward the window but weigh nothing (docs/consensus-core.md, V36 §8.3).
 */
export function mergedWeights<T extends MergedPayoutItem>(tracker: Tracker<T>, start: bigint | null, maxShares: number, chainId: number | null, lookup: MergedAddressLookup | null): MergedWeights {
  const weights = new Map<string, bigint>();
  let total = 0n;
  let donation = 0n;
  let node = start === null ? undefined : tracker.node(start);
  for (let i = 0; i < maxShares && node; i++, node = node.parent ?? undefined) {
    const s = node.item;
    if (s.desiredVersion < 36) continue;
    const a = node.work;
    let key = s.payoutScriptHex;
    if (chainId !== null && s.isMergedMiningShare) {
      const explicit = s.mergedAddresses?.find((m) => m.chainId === chainId);
      if (explicit) key = MERGED_KEY_PREFIX + explicit.script.toString('hex');
      else {
        const learnt = lookup?.find(chainId, key);
        if (learnt !== undefined) key = MERGED_KEY_PREFIX + learnt;
      }
    }
    const d = BigInt(s.donation);
    weights.set(key, (weights.get(key) ?? 0n) + a * (W - d));
    total += a * W;
    donation += a * d;
  }
  for (const [k, v] of weights) if (v === 0n) weights.delete(k);
  return { weights, total, donation };
}
