import type { MergedAddress } from '../share/types.ts';

/**
 * Which merged-chain script a parent-chain payout script maps to, learnt from shares' explicit
 * `merged_addresses` as they are added to the tracker ("tier 1.5"). First registration wins and
 * nothing is forgotten, so the table depends on which shares this node has seen: the reference's
 * behaviour, reproduced (docs/consensus-core.md, V36 hazard H1).
 */
export class MergedAddressLookup {
  private readonly byChain = new Map<number, Map<string, string>>();

  /** Register a v36 share's explicit merged addresses under its payout script (hex). */
  register(payoutScriptHex: string, mergedAddresses: readonly MergedAddress[] | null): void {
    if (!mergedAddresses) return;
    for (const { chainId, script } of mergedAddresses) {
      if (script.length === 0) continue;
      let m = this.byChain.get(chainId);
      if (!m) this.byChain.set(chainId, (m = new Map()));
      const scriptHex = script.toString('hex');
      if (!m.has(payoutScriptHex)) m.set(payoutScriptHex, scriptHex);
      const norm = normalizeToP2pkhOrP2sh(payoutScriptHex);
      if (norm !== null && norm !== payoutScriptHex && !m.has(norm)) m.set(norm, scriptHex);
    }
  }

  /** The merged script (hex) learnt for a payout script or its normalized form, if any. */
  find(chainId: number, payoutScriptHex: string): string | undefined {
    const m = this.byChain.get(chainId);
    if (!m) return undefined;
    const hit = m.get(payoutScriptHex);
    if (hit !== undefined) return hit;
    const norm = normalizeToP2pkhOrP2sh(payoutScriptHex);
    return norm === null ? undefined : m.get(norm);
  }
}

/** P2PKH and P2SH as they are; P2WPKH → the P2PKH of the same hash; anything else has no merged form. */
export function normalizeToP2pkhOrP2sh(scriptHex: string): string | null {
  if (scriptHex.length === 50 && scriptHex.startsWith('76a914') && scriptHex.endsWith('88ac')) return scriptHex;
  if (scriptHex.length === 46 && scriptHex.startsWith('a914') && scriptHex.endsWith('87')) return scriptHex;
  if (scriptHex.length === 44 && scriptHex.startsWith('0014')) return `76a914${scriptHex.slice(4)}88ac`;
  return null;
}
