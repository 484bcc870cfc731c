// Which template transactions a share built on this work includes, and everything that follows from
// that choice alone: the adjusted subsidy, segwit_data, the block's coinbase merkle branch.
//
// Why this exists: generate_transaction's transaction walk (docs/protocol.md §4.5 steps 3, 4 and 8) depends only
// on the template and the gentx size/weight budget, never on the payout address or the share
// target. Run per (address, target), the core would re-encode and re-hash the whole template for
// every job (this is most of the reference's ~110 ms per get_work). We run the walk once per work
// here and hand generateTransaction the result in its verification form (knownTxs = null, the
// included transactions only, the adjusted subsidy, our segwit_data): the core then takes exactly the
// branch a verifier takes, and the bytes are the ones generation with knownTxs would produce
// (test/core-work/fast-path.test.ts compares the two).
import {
  txid as coreTxid,
  decodeTx,
  coinbaseMerkleBranch,
  merkleRoot,
  shareVersion,
  subsidy as subsidyFunc,
  u256ToLE,
  u256FromLE,
  type DesiredTx,
  type Network,
  type SegwitData,
  type Tx,
} from '../../core/index.ts';
import type { TemplateTx, Work } from '../../pool/work/template.ts';
import { coinbaseBranchPacked, merkleRootPacked } from '../../pool/work/merkle.ts';

export interface TxSelection {
  /** Included transactions, a prefix of the template (the walk stops, it never skips). */
  readonly transactions: readonly TemplateTx[];
  /** The included transactions as generateTransaction's desired list (node hash = GBT `hash`, fee). */
  readonly desiredTxs: DesiredTx[];
  /** share_data.subsidy: coinbasevalue less the fees of the dropped transactions (§4.5 step 4). */
  readonly subsidy: bigint;
  /** segwit_data over the included transactions. */
  readonly segwitData: SegwitData;
  /** The block's coinbase merkle branch over the included txids, raw 32-byte hashes. */
  readonly merkleBranchRaw: readonly Buffer[];
  /** Some included transaction carries a witness (not allowed before segwit activation). */
  readonly hasWitnessTx: boolean;
  /** How many template transactions the budget dropped. */
  readonly dropped: number;
}

export class SegwitBeforeActivationError extends Error {}

/**
 * Stripped (no witness) size of a transaction from its raw bytes, without decoding it: version,
 * inputs, outputs and lock time. Litecoin's HogEx (flag 0x08, no witness) is measured the same way.
 */
export function strippedLength(data: Buffer): number {
  if (data.length < 10 || data[4] !== 0 || data[5] === 0) return data.length;
  let p = 6;
  const varint = (): number => {
    const b = data[p]!;
    if (b < 0xfd) {
      p += 1;
      return b;
    }
    if (b === 0xfd) {
      const v = data.readUInt16LE(p + 1);
      p += 3;
      return v;
    }
    if (b === 0xfe) {
      const v = data.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    const v = Number(data.readBigUInt64LE(p + 1));
    p += 9;
    return v;
  };
  const nIn = varint();
  for (let i = 0; i < nIn; i++) {
    p += 36;
    const n = varint();
    p += n + 4;
  }
  const nOut = varint();
  for (let i = 0; i < nOut; i++) {
    p += 8;
    const n = varint();
    p += n;
  }
  if (p > data.length - 4) return data.length; // not a shape we know: count it whole (only tightens the budget)
  return p - 2 + 4;
}

/** The JT walk (§4.5 step 3 [JT]): stop at the first transaction that would overflow size or weight. */
function jtIncludedCount(net: Network, work: Work, gentxSize: number, gentxWeight: number): number {
  let allStripped = 0;
  let allWeight = 0;
  const txs = work.transactions;
  for (let k = 0; k < txs.length; k++) {
    const stripped = strippedLength(txs[k]!.data);
    // The reference's get_size() is the stripped size, so weight = 4 * stripped (a quirk kept on purpose).
    const weight = 4 * stripped;
    if (allStripped + stripped + 80 + gentxSize + 500 > net.BLOCK_MAX_SIZE) return k;
    if (allWeight + weight + 320 + gentxWeight + 2000 > net.BLOCK_MAX_WEIGHT) return k;
    allStripped += stripped;
    allWeight += weight;
  }
  return txs.length;
}

export interface SelectionInput {
  net: Network;
  work: Work;
  /** Share version being generated (its lineage decides the budget rule). */
  shareVersion: number;
  /** The basis's gentx size/weight of the last verified share (generateTransaction's defaults otherwise). */
  gentxSize?: number;
  gentxWeight?: number;
}

/** Runs the transaction walk once for a work and a budget. Synchronous; cost ≈ one pass over the template. */
export function selectTransactions(i: SelectionInput): TxSelection {
  const { net, work } = i;
  const rules = shareVersion(net.LINEAGE, i.shareVersion);
  if (!rules) throw new Error(`unknown share version ${i.shareVersion} for ${net.NAME}`);
  if (rules.lineage === 'FV')
    throw new Error("the FV transaction budget depends on the share chain's transaction refs: use selectTransactionsWithCore");
  const all = work.transactions;
  let n = jtIncludedCount(net, work, i.gentxSize ?? 50000, i.gentxWeight ?? 200000);
  // A Litecoin MWEB block must end with its HogEx, which spends the template's peg-ins: a truncated
  // MWEB template is no valid block. The node already kept the template within the coin's limits,
  // so such a template is taken whole (the budget only changes which transactions a share carries).
  if (n < all.length && all.at(-1)!.hogEx) n = all.length;
  const included = n === all.length ? all : all.slice(0, n);
  let removed = 0n;
  let removedUnknown = false;
  for (let k = n; k < all.length; k++) {
    const fee = all[k]!.fee;
    if (fee === null) removedUnknown = true;
    else removed += fee;
  }
  let subsidy: bigint;
  if (!removedUnknown) subsidy = work.coinbaseValue - removed;
  else {
    // The reference's fallback when a dropped fee is unknown: SUBSIDY_FUNC(height) + included fees.
    let fees = 0n;
    for (const t of included) fees += t.fee ?? 0n;
    subsidy = subsidyFunc(net.PARENT, work.height) + fees;
  }
  const desiredTxs: DesiredTx[] = new Array(n);
  let hasWitnessTx = false;
  for (let k = 0; k < n; k++) {
    const t = included[k]!;
    desiredTxs[k] = { hash: t.wtxid, fee: t.fee };
    if (t.wtxid !== t.txid) hasWitnessTx = true;
  }
  let branchRaw: readonly Buffer[];
  let wtxidRoot: bigint;
  if (n === all.length) {
    // The template builder computed both over the whole template already.
    branchRaw = work.merkleBranchRaw;
    wtxidRoot = work.witnessMerkleRoot;
  } else {
    const txids = Buffer.allocUnsafe(n * 32);
    const wtxids = Buffer.alloc((n + 1) * 32);
    for (let k = 0; k < n; k++) {
      u256ToLE(included[k]!.txid).copy(txids, k * 32);
      u256ToLE(included[k]!.wtxid).copy(wtxids, (k + 1) * 32);
    }
    branchRaw = coinbaseBranchPacked(txids, n);
    wtxidRoot = u256FromLE(merkleRootPacked(wtxids, n + 1));
  }
  return {
    transactions: included,
    desiredTxs,
    subsidy,
    segwitData: { txidMerkleBranch: branchRaw.map((h) => u256FromLE(h)), wtxidMerkleRoot: wtxidRoot },
    merkleBranchRaw: branchRaw,
    hasWitnessTx,
    dropped: all.length - n,
  };
}

/**
 * The slow, literal path: the template decoded into core transactions for generateTransaction's
 * knownTxs. Used for the FV lineage (whose budget needs the tracker's transaction refs) and by the
 * tests as the reference the fast path must equal. Not usable for MWEB templates (the HogEx is not
 * a transaction the core can decode).
 */
export function knownTxsOf(work: Work): { desiredTxs: DesiredTx[]; knownTxs: Map<bigint, Tx> } {
  const knownTxs = new Map<bigint, Tx>();
  const desiredTxs: DesiredTx[] = [];
  for (const t of work.transactions) {
    knownTxs.set(t.wtxid, decodeTx(t.data));
    desiredTxs.push({ hash: t.wtxid, fee: t.fee });
  }
  return { desiredTxs, knownTxs };
}

/** The included prefix and branch once generateTransaction chose it (slow path). */
export function selectionFromGenerated(
  work: Work,
  otherTransactionHashes: readonly bigint[],
  segwitData: SegwitData | null | undefined,
  known: Map<bigint, Tx>,
): TxSelection {
  const n = otherTransactionHashes.length;
  const included = work.transactions.slice(0, n);
  const branch = segwitData
    ? segwitData.txidMerkleBranch
    : coinbaseMerkleBranch(otherTransactionHashes.map((h) => coreTxid(known.get(h)!)));
  const wtxidRoot = segwitData ? segwitData.wtxidMerkleRoot : merkleRoot([0n, ...included.map((t) => t.wtxid)]);
  return {
    transactions: included,
    desiredTxs: included.map((t) => ({ hash: t.wtxid, fee: t.fee })),
    subsidy: work.coinbaseValue,
    segwitData: { txidMerkleBranch: branch, wtxidMerkleRoot: wtxidRoot },
    merkleBranchRaw: branch.map((h) => u256ToLE(h)),
    hasWitnessTx: included.some((t) => t.wtxid !== t.txid),
    dropped: work.transactions.length - n,
  };
}
