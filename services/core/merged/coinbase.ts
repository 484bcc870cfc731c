import { COINBASE_PREV_INDEX, type Tx, type TxOut } from '../bitcoin/tx.ts';
import { pushInteger } from '../bitcoin/script.ts';
import { COMBINED_DONATION_SCRIPT } from '../share/constants.ts';
import { MERGED_KEY_PREFIX, type MergedWeights } from './weights.ts';
import { normalizeToP2pkhOrP2sh } from './lookup.ts';
import { py2DictOrder } from './py2-dict-order.ts';

/** The marker output every canonical merged coinbase carries: OP_RETURN "P2Pool merged mining". */
export const MERGED_MARKER_SCRIPT = Buffer.concat([Buffer.from([0x6a, 20]), Buffer.from('P2Pool merged mining', 'ascii')]);
/** The tag after the height push in the canonical merged coinbase scriptSig. */
export const MERGED_COINBASE_TAG = Buffer.from('/P2Pool v36/', 'ascii');

/** The canonical scriptSig: push(block_height) || "/P2Pool v36/". */
export function canonicalMergedScriptSig(blockHeight: bigint): Buffer {
  return Buffer.concat([pushInteger(blockHeight), MERGED_COINBASE_TAG]);
}

/** A map's entries in the order a CPython 2.7 dict with the same insertions iterates them. */
function inPy2Order<V>(m: Map<string, V>, bytesOf: (k: string) => Buffer): [string, V][] {
  const entries = [...m];
  return py2DictOrder(entries.map(([k]) => bytesOf(k))).map((i) => entries[i]!);
}

/** A merged-weights key as the merged chain's output script (hex), or null when it cannot be paid there. */
function mergedScriptOf(key: string): string | null {
  if (key.startsWith(MERGED_KEY_PREFIX)) return key.slice(MERGED_KEY_PREFIX.length);
  return normalizeToP2pkhOrP2sh(key);
}

export interface MergedCoinbase {
  tx: Tx;
  /** Output script (hex) → amount, the miners only. */
  amounts: Map<string, bigint>;
  donation: bigint;
}

/**
 * The canonical merged-chain (DOGE) coinbase for the given merged weights (docs/consensus-core.md,
 * V36 §8.5): the donated part plus every rounding remainder (at least 1 satoshi) to the combined
 * donation script, the rest pro rata, miners in script byte order, then the marker and the donation.
 * Work generation builds it and verification rebuilds it: one function.
 */
export function canonicalMergedCoinbase(w: MergedWeights, coinbaseValue: bigint, blockHeight: bigint, scriptSig?: Buffer): MergedCoinbase {
  const donation = w.total > 0n ? (coinbaseValue * w.donation) / w.total : 0n;
  const reward = coinbaseValue - donation;
  const scriptWeight = new Map<string, bigint>();
  let accepted = 0n;
  for (const [key, weight] of inPy2Order(w.weights, (k) =>
    k.startsWith(MERGED_KEY_PREFIX) ? Buffer.from(k, 'latin1') : Buffer.from(k, 'hex'),
  )) {
    const script = mergedScriptOf(key);
    if (script === null) continue;
    scriptWeight.set(script, (scriptWeight.get(script) ?? 0n) + weight);
    accepted += weight;
  }
  const amounts = new Map<string, bigint>();
  let distributed = 0n;
  for (const [script, weight] of inPy2Order(scriptWeight, (k) => Buffer.from(k, 'hex'))) {
    const a = accepted > 0n ? (reward * weight) / accepted : 0n;
    if (a > 0n) {
      amounts.set(script, a);
      distributed += a;
    }
  }
  let finalDonation = donation + reward - distributed;
  if (finalDonation < 1n && coinbaseValue > 0n && amounts.size > 0) {
    // The reference takes Python's max() over a dict: the first largest in CPython 2.7's iteration
    // order (hazard H2). A tie needs a zero donation and two equal largest amounts.
    let top: string | null = null;
    for (const [s, a] of inPy2Order(amounts, (k) => Buffer.from(k, 'hex'))) if (top === null || a > amounts.get(top)!) top = s;
    amounts.set(top!, amounts.get(top!)! - 1n);
    finalDonation += 1n;
  }
  const outputs: TxOut[] = [...amounts.keys()].sort().map((s) => ({ value: amounts.get(s)!, script: Buffer.from(s, 'hex') }));
  outputs.push({ value: 0n, script: MERGED_MARKER_SCRIPT }, { value: finalDonation, script: COMBINED_DONATION_SCRIPT });
  const tx: Tx = {
    version: 1,
    inputs: [
      {
        prevHash: 0n,
        prevIndex: COINBASE_PREV_INDEX,
        script: scriptSig ?? canonicalMergedScriptSig(blockHeight),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs,
    lockTime: 0,
  };
  return { tx, amounts, donation: finalDonation };
}
