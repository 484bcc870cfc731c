import type { Tx, TxOut } from '../bitcoin/tx.ts';
import { encodeTx, txid, wtxid, hasWitness, strippedSize } from '../bitcoin/tx.ts';
import { targetToAverageAttempts } from '../bitcoin/difficulty.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import { coinbaseMerkleBranch, merkleRoot, checkMerkleLink } from '../bitcoin/merkle.ts';
import { prefixToHashLink } from '../bitcoin/hash-link.ts';
import { addressToScriptJT, addressToScriptV36, decodeAddress, pubkeyHashToAddress, v36PayoutIdentity } from '../bitcoin/address.ts';
import { p2pkhScript } from '../bitcoin/script.ts';
import { v36PayoutAddress } from '../bitcoin/address.ts';
import type { BlockHeader } from '../bitcoin/header.ts';
import { hash256 } from '../crypto/hash.ts';
import type { Network } from '../networks/types.ts';
import { preTarget3, preTarget3V36, retargetBasis, shareBits, type RetargetBasis } from '../target/retarget.ts';
import { validMessageData } from './message-data.ts';
import type { ShareTracker } from '../tracker/share-tracker.ts';
import { encodeShareInfo, encodeShareInfoMiddle, type ShareInfoMiddle, type ShareLayout } from './codec.ts';
import {
  COMBINED_DONATION_SCRIPT,
  DONATION_PUBKEY_HASH,
  DONATION_SCRIPT,
  GENTX_BEFORE_REFHASH,
  GENTX_BEFORE_REFHASH_V36,
  MAX_PAYOUT_OUTPUTS,
  TX_REF_LOOKBACK,
} from './constants.ts';
import { buildGentx, witnessCommitmentScript } from './gentx.ts';
import { ShareRuleError } from './errors.ts';
import { layoutFor, refHashOf, shareFromContents, type Share } from './share.ts';
import type { MergedAddress, MergedCoinbaseEntry, SegwitData, ShareContents, ShareData, ShareInfo } from './types.ts';

const M32 = 0x100000000;
const M128 = 1n << 128n;

export interface DesiredTx {
  /** Node-convention hash (sha256d of the full serialization). */
  hash: bigint;
  /** Fee in satoshis, or null when unknown (verification). */
  fee: bigint | null;
}

export interface GenerateInput {
  tracker: ShareTracker;
  net: Network;
  /** Share version (wire type) to generate. */
  type: number;
  /** share_data before the subsidy adjustment. For layout A an `address` is converted to pubkey_hash. */
  shareData: ShareData;
  blockTarget: bigint;
  desiredTimestamp: number;
  desiredTarget: bigint;
  refMerkleBranch?: bigint[];
  desiredTxs: DesiredTx[];
  /** Full transactions by node hash; null when verifying (sizes unknown, nothing dropped). */
  knownTxs: Map<bigint, Tx> | null;
  lastTxoutNonce?: bigint;
  baseSubsidy: bigint;
  /** The share's own segwit_data when verifying; omitted when generating work. */
  segwitData?: SegwitData | null;
  /** [JT] the gentx size/weight of the last verified share, for the block-size budget (§4.5 step 3). */
  gentxSize?: number;
  gentxWeight?: number;
  /** v36: the miner's merged-chain payout scripts, copied into share_info as given (null: none). */
  mergedAddresses?: MergedAddress[] | null;
  /** v36: the merged blocks this share commits to (from the aux work; null without it). */
  mergedCoinbaseInfo?: MergedCoinbaseEntry[] | null;
  /** v36: an authority message blob; one that does not verify is replaced by None. */
  messageData?: Buffer | null;
}

export interface Generated {
  layout: ShareLayout;
  shareInfo: ShareInfo;
  shareInfoBytes: Buffer;
  refHash: bigint;
  gentx: Tx;
  otherTransactionHashes: bigint[];
  /** Payout key → amount, in output order (donation last). */
  payouts: [string, bigint][];
  /** The Share for a header the miner solved (`get_share`). */
  getShare(header: BlockHeader, lastTxoutNonce: bigint): Share;
}

function clipNum(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

const donationAddresses = new Map<number, string>();

export function donationKey(net: Network, layout: ShareLayout): string {
  if (layout.rules.mergedMining) return COMBINED_DONATION_SCRIPT_HEX;
  if (layout.rules.payoutKey !== 'address') return DONATION_SCRIPT_HEX;
  const version = net.PARENT.ADDRESS_VERSION;
  let a = donationAddresses.get(version);
  if (a === undefined) donationAddresses.set(version, (a = pubkeyHashToAddress(DONATION_PUBKEY_HASH, version)));
  return a;
}

const DONATION_SCRIPT_HEX = DONATION_SCRIPT.toString('hex');
const COMBINED_DONATION_SCRIPT_HEX = COMBINED_DONATION_SCRIPT.toString('hex');

const combinedAddresses = new Map<number, string>();
/** [V36] v35 shares never pay the combined donation's P2SH address (its amount is counted, its output dropped). */
function combinedDonationAddress(net: Network): string | null {
  const version = net.PARENT.ADDRESS_P2SH_VERSION;
  if (version === undefined) return null;
  let a = combinedAddresses.get(version);
  if (a === undefined) combinedAddresses.set(version, (a = pubkeyHashToAddress(COMBINED_DONATION_SCRIPT.subarray(2, 22), version)));
  return a;
}

/** The payout key of a share author (finder) from share_data (JT: address string; FV: script hex). */
export function finderKey(net: Network, layout: ShareLayout, d: ShareData): string {
  if (layout.rules.layout === 'C') return d.address ?? v36PayoutAddress(d.pubkeyHash!, d.pubkeyType ?? 0, net.PARENT);
  if (layout.rules.payoutKey === 'address') return d.address ?? pubkeyHashToAddress(d.pubkeyHash!, net.PARENT.ADDRESS_VERSION);
  return p2pkhScript(d.pubkeyHash!).toString('hex');
}

// Address → script is pure and hot (every output of every share verified): memoize it per
// coin and padding rule.
const scriptCaches = new WeakMap<object, [Map<string, Buffer>, Map<string, Buffer>]>();

function keyScript(net: Network, layout: ShareLayout, key: string): Buffer {
  if (layout.rules.payoutKey !== 'address') return Buffer.from(key, 'hex');
  let pair = scriptCaches.get(net.PARENT);
  if (!pair) scriptCaches.set(net.PARENT, (pair = [new Map(), new Map()]));
  const cache = pair[layout.rules.paddingBugfix ? 1 : 0];
  let script = cache.get(key);
  if (!script) {
    // Own memory, not a slice of Node's shared buffer pool: a cached slice would pin its whole slab.
    const built =
      layout.rules.lineage === 'V36' ? addressToScriptV36(key, net.PARENT) : addressToScriptJT(key, net.PARENT, layout.rules.paddingBugfix);
    script = Buffer.allocUnsafeSlow(built.length);
    built.copy(script);
    if (cache.size >= 100000) cache.clear();
    cache.set(key, script);
  }
  return script;
}

/** What the finder-independent stage needs: everything but the share's own choices. */
export type GenerationBaseInput = Omit<
  GenerateInput,
  'shareData' | 'desiredTarget' | 'desiredTimestamp' | 'lastTxoutNonce' | 'refMerkleBranch'
> & {
  shareData: Pick<ShareData, 'previousShareHash' | 'subsidy'>;
};

/** The share's own choices: who finds it, at what target and time, and its nonces. */
export type FinderInput = Pick<
  GenerateInput,
  | 'shareData'
  | 'desiredTarget'
  | 'desiredTimestamp'
  | 'lastTxoutNonce'
  | 'refMerkleBranch'
  | 'mergedAddresses'
  | 'mergedCoinbaseInfo'
  | 'messageData'
>;

/** One payee of the pro-rata part, in output order. */
interface BasePayee {
  readonly key: string;
  readonly amount: bigint;
  readonly out: TxOut;
}

/**
 * generate_transaction up to the finder (docs/protocol.md §4.5 steps 1–6): the transaction walk, the subsidy,
 * the PPLNS window and the 99.5 % pro-rata amounts in output order, segwit_data, the far share.
 * None of it depends on who finds the share, so work generation computes it once per (template,
 * best share) and finishes it per payout address: the same code path as verification, which runs
 * both stages back to back.
 */
export interface GenerationBase {
  readonly net: Network;
  readonly type: number;
  readonly layout: ShareLayout;
  readonly previousShareHash: bigint | null;
  /** share_data.subsidy the base was prepared for (before the removed-fee adjustment). */
  readonly inputSubsidy: bigint;
  readonly subsidy: bigint;
  readonly preTarget: bigint;
  readonly prevTimestamp: number | null;
  readonly absheight: number;
  readonly prevAbswork: bigint;
  readonly otherTransactionHashes: bigint[];
  /** share_info's fields from segwit_data to far_share_hash (the same for every finder), and encoded. */
  readonly middle: ShareInfoMiddle;
  readonly middleBytes: Buffer;
  /** The witness commitment output's script, when segwit is active. */
  readonly commitmentScript: Buffer | null;
  readonly donationKey: string;
  /** Pro-rata amounts by key (the donation key's included when it is in the window). */
  readonly amounts: Map<string, bigint>;
  readonly amountsSum: bigint;
  /** Every key but the donation's, ascending by (amount, key) (docs/protocol.md §6.5). */
  readonly order: readonly BasePayee[];
  readonly orderIndex: Map<string, number>;
  /** [V36 lineage] a key whose amount is counted but that never gets an output (the combined donation's address). */
  readonly unpaidKey: string | null;
  /** v36: everything the finder does not change (no finder fee): the payouts, the retarget basis, merged_payout_hash. */
  readonly v36: V36Base | null;
}

export interface V36Base {
  /** The payout outputs in order, the combined donation last. */
  readonly payouts: readonly TxOut[];
  readonly payoutKeys: readonly string[];
  readonly retarget: RetargetBasis | null;
  readonly mergedPayoutHash: bigint | null;
}

function comparePayee(a1: bigint, k1: string, a2: bigint, k2: string): number {
  return a1 !== a2 ? (a1 < a2 ? -1 : 1) : k1 < k2 ? -1 : k1 > k2 ? 1 : 0;
}

export function prepareGeneration(input: GenerationBaseInput): GenerationBase {
  const { tracker, net } = input;
  const layout = layoutFor(net, input.type);
  const rules = layout.rules;
  const prevHash = input.shareData.previousShareHash;
  const prev = prevHash === null ? undefined : tracker.get(prevHash);
  const [height, last] = tracker.getHeightAndLast(prevHash);
  if (!(height >= net.REAL_CHAIN_LENGTH || last === null))
    throw new ShareRuleError('chain-incomplete', `previous share's chain is incomplete (height ${height})`);

  const preTarget = preTarget3(tracker, net, prevHash);

  // Transaction selection and refs.
  const txHashToThis = new Map<bigint, [number, number]>();
  if (rules.txRefs && prevHash !== null) {
    let i = 0;
    for (const s of tracker.getChain(prevHash, Math.min(height, TX_REF_LOOKBACK))) {
      const hs = s.newTransactionHashes;
      for (let j = 0; j < hs.length; j++) if (!txHashToThis.has(hs[j]!)) txHashToThis.set(hs[j]!, [1 + i, j]);
      i++;
    }
  }
  const newTransactionHashes: bigint[] = [];
  const transactionHashRefs: number[] = [];
  const otherTransactionHashes: bigint[] = [];
  const includedFees: (bigint | null)[] = [];
  let removedFees: (bigint | null)[] = [];
  let newTxsSize = 0;
  let allStripped = 0;
  let allWeight = 0;
  const gentxSize = input.gentxSize ?? 50000;
  const gentxWeight = input.gentxWeight ?? 200000;
  const desired = input.desiredTxs;
  let k = 0;
  for (; k < desired.length; k++) {
    const { hash, fee } = desired[k]!;
    const known = input.knownTxs?.get(hash);
    if (input.knownTxs) {
      if (!known) throw new Error(`transaction ${hash.toString(16)} is not known`);
      if (rules.lineage === 'FV') {
        if (!txHashToThis.has(hash)) {
          const size = encodeTx(known).length;
          if (rules.maxNewTxsSize !== undefined && newTxsSize + size > rules.maxNewTxsSize) break;
          newTxsSize += size;
        }
      } else if (rules.lineage === 'V36') {
        // GBT dicts: the reference's "stripped size" is the witness size and the weight limit is
        // skipped (IMMUTABLE_BLOCKS); local policy, not verified.
        const witnessBytes = encodeTx(known).length - strippedSize(known);
        if (allStripped + witnessBytes + 80 + gentxSize + 500 > net.BLOCK_MAX_SIZE) break;
        allStripped += witnessBytes;
      } else {
        const stripped = strippedSize(known);
        const weight = 4 * stripped; // the reference's get_size() returns the stripped size (§4.5 quirk)
        if (allStripped + stripped + 80 + gentxSize + 500 > net.BLOCK_MAX_SIZE) break;
        if (allWeight + weight + 320 + gentxWeight + 2000 > net.BLOCK_MAX_WEIGHT) break;
        allStripped += stripped;
        allWeight += weight;
      }
    }
    const ref = txHashToThis.get(hash);
    if (ref) transactionHashRefs.push(ref[0], ref[1]);
    else {
      if (rules.txRefs) transactionHashRefs.push(0, newTransactionHashes.length);
      if (rules.txRefs) newTransactionHashes.push(hash);
    }
    otherTransactionHashes.push(hash);
    includedFees.push(fee);
  }
  removedFees = desired.slice(k).map((d) => d.fee);

  let subsidy: bigint;
  if (!removedFees.includes(null)) subsidy = input.shareData.subsidy - removedFees.reduce<bigint>((a, b) => a + b!, 0n);
  else subsidy = input.baseSubsidy + includedFees.reduce<bigint>((a, b) => a + (b ?? 0n), 0n);

  const donKey = donationKey(net, layout);
  const amounts = new Map<string, bigint>();
  let amountsSum = 0n;
  const unpaidKey = rules.lineage === 'V36' && !rules.mergedMining ? combinedDonationAddress(net) : null;
  const order: BasePayee[] = [];
  let v36: V36Base | null = null;
  if (rules.mergedMining) {
    v36 = {
      ...v36Payouts(tracker, net, prevHash, Math.min(height, net.REAL_CHAIN_LENGTH), subsidy),
      retarget: retargetBasis(tracker, net, prevHash),
      mergedPayoutHash: tracker.mergedPayoutHashOf(prevHash, net.REAL_CHAIN_LENGTH),
    };
  } else {
    // PPLNS over the shares before the parent; the pro-rata 99.5 % (docs/protocol.md §6.3), in output order.
    const start = prev ? prev.previousHash : null;
    const maxShares = Math.max(0, Math.min(height, net.REAL_CHAIN_LENGTH) - 1);
    const desiredWeight = 65535n * BigInt(net.SPREAD) * targetToAverageAttempts(input.blockTarget);
    const { weights, total } = tracker.pplns.get(start, maxShares, desiredWeight);
    for (const [key, w] of weights) {
      const v = (subsidy * (199n * w)) / (200n * total);
      amounts.set(key, v);
      amountsSum += v;
    }
  }
  for (const [key, amount] of amounts)
    if (key !== donKey && key !== unpaidKey) order.push({ key, amount, out: { value: amount, script: keyScript(net, layout, key) } });
  order.sort((a, b) => comparePayee(a.amount, a.key, b.amount, b.key));
  const orderIndex = new Map<string, number>();
  for (let i = 0; i < order.length; i++) orderIndex.set(order[i]!.key, i);

  // Segwit data.
  let segwit = layout.segwit;
  let segwitData = input.segwitData;
  if (segwitData === null && input.knownTxs === null) segwit = false;
  if (input.knownTxs) {
    const txs = otherTransactionHashes.map((h) => input.knownTxs!.get(h)!);
    if (!segwit && txs.some(hasWitness)) throw new Error('cannot include segwit transactions before segwit activation');
    if (segwit)
      segwitData = { txidMerkleBranch: coinbaseMerkleBranch(txs.map(txid)), wtxidMerkleRoot: merkleRoot([0n, ...txs.map(wtxid)]) };
  }
  if (segwit && !segwitData) throw new ShareRuleError('segwit-data', 'segwit-activated share without segwit_data');

  const middle: ShareInfoMiddle = {
    segwitData: layout.segwit ? (segwit ? segwitData : null) : undefined,
    newTransactionHashes: rules.txRefs ? newTransactionHashes : [],
    transactionHashRefs: rules.txRefs ? transactionHashRefs : [],
    farShareHash: last === null && height < 99 ? null : tracker.getNthParentHash(prevHash!, 99),
  };
  if (rules.layout === 'C') middle.mergedAddresses = null;
  return {
    net,
    type: input.type,
    layout,
    previousShareHash: prevHash,
    inputSubsidy: input.shareData.subsidy,
    subsidy,
    preTarget,
    prevTimestamp: prev ? prev.timestamp : null,
    absheight: prev ? (prev.absheight + 1) % M32 : 1,
    prevAbswork: prev ? prev.abswork : 0n,
    otherTransactionHashes,
    middle,
    middleBytes: encodeShareInfoMiddle(middle, layout),
    commitmentScript: segwit ? witnessCommitmentScript(segwitData!.wtxidMerkleRoot) : null,
    donationKey: donKey,
    amounts,
    amountsSum,
    order,
    orderIndex,
    unpaidKey,
    v36,
  };
}

/**
 * V36 amounts and outputs (docs/consensus-core.md, V36): decayed weights from the parent, 100 % pro
 * rata by script, the remainder (at least 1 satoshi, taken from the largest payee) to the combined
 * donation; payees ascending by (amount, script), the last 4000, the donation last.
 */
function v36Payouts(
  tracker: ShareTracker,
  net: Network,
  prevHash: bigint | null,
  maxShares: number,
  subsidy: bigint,
): { payouts: TxOut[]; payoutKeys: string[] } {
  const { weights, total } = tracker.decayedPplns(prevHash, maxShares, net.CHAIN_LENGTH);
  const amounts = new Map<string, bigint>();
  let sum = 0n;
  for (const [key, w] of weights) {
    const v = (subsidy * w) / total;
    amounts.set(key, v);
    sum += v;
  }
  let donation = subsidy - sum;
  if (donation < 1n && subsidy > 0n) {
    let top: string | null = null;
    for (const [k, a] of amounts) if (top === null || comparePayee(a, k, amounts.get(top)!, top) > 0) top = k;
    amounts.set(top!, amounts.get(top!)! - 1n);
    donation += 1n;
  }
  amounts.set(COMBINED_DONATION_SCRIPT_HEX, (amounts.get(COMBINED_DONATION_SCRIPT_HEX) ?? 0n) + donation);
  const dests: [string, bigint][] = [];
  for (const e of amounts) if (e[0] !== DONATION_SCRIPT_HEX && e[0] !== COMBINED_DONATION_SCRIPT_HEX) dests.push(e);
  dests.sort((a, b) => comparePayee(a[1], a[0], b[1], b[0]));
  const payouts: TxOut[] = [];
  const payoutKeys: string[] = [];
  for (const [key, amount] of dests.length > MAX_PAYOUT_OUTPUTS ? dests.slice(dests.length - MAX_PAYOUT_OUTPUTS) : dests) {
    if (amount !== 0n) {
      payouts.push({ value: amount, script: Buffer.from(key, 'hex') });
      payoutKeys.push(key);
    }
  }
  payouts.push({ value: amounts.get(COMBINED_DONATION_SCRIPT_HEX)!, script: COMBINED_DONATION_SCRIPT });
  payoutKeys.push(COMBINED_DONATION_SCRIPT_HEX);
  return { payouts, payoutKeys };
}

/** generate_transaction from the finder on for a v36 share: nothing the finder does changes the payouts. */
function finishGenerationV36(base: GenerationBase, v36: V36Base, input: FinderInput): Generated {
  const { net, layout } = base;
  const preTarget = preTarget3V36(net, v36.retarget, input.desiredTimestamp);
  const { maxBits, bits } = shareBits(preTarget, input.desiredTarget);
  const shareData: ShareData = { ...input.shareData, subsidy: base.subsidy };
  if (!shareData.pubkeyHash || shareData.pubkeyType === undefined) {
    if (!shareData.address) throw new Error('share_data needs a payout address');
    Object.assign(shareData, v36PayoutIdentity(shareData.address, net.PARENT));
  }
  delete shareData.address;
  const timestamp = base.prevTimestamp === null ? input.desiredTimestamp : Math.max(input.desiredTimestamp, base.prevTimestamp + 1);
  const mergedAddresses = input.mergedAddresses?.length ? input.mergedAddresses : null;
  const shareInfo: ShareInfo = {
    shareData,
    ...base.middle,
    mergedAddresses,
    maxBits,
    bits,
    timestamp,
    absheight: base.absheight,
    abswork: (base.prevAbswork + targetToAverageAttempts(bitsToTarget(bits))) % M128,
    mergedCoinbaseInfo: input.mergedCoinbaseInfo?.length ? input.mergedCoinbaseInfo : null,
    mergedPayoutHash: v36.mergedPayoutHash,
  };
  const shareInfoBytes = encodeShareInfo(shareInfo, layout, mergedAddresses === null ? base.middleBytes : undefined);
  const refMerkleBranch = input.refMerkleBranch ?? [];
  const messageData = input.messageData && validMessageData(input.messageData) ? input.messageData : null;
  const refHash = refHashOf(net, shareInfoBytes, refMerkleBranch, messageData);
  const lastTxoutNonce = input.lastTxoutNonce ?? 0n;
  const gentx = buildGentx(shareData.coinbase, v36.payouts, refHash, lastTxoutNonce, base.commitmentScript);
  const otherTransactionHashes = base.otherTransactionHashes;
  const type = base.type;
  return {
    layout,
    shareInfo,
    shareInfoBytes,
    refHash,
    gentx,
    otherTransactionHashes,
    get payouts(): [string, bigint][] {
      return v36.payoutKeys.map((key, i) => [key, v36.payouts[i]!.value]);
    },
    getShare(header: BlockHeader, nonce: bigint): Share {
      const stripped = encodeTx(gentx, false);
      const hashLink = prefixToHashLink(stripped.subarray(0, stripped.length - 44), GENTX_BEFORE_REFHASH_V36);
      return solvedShare(net, type, header, {
        shareInfo,
        refMerkleBranch,
        lastTxoutNonce: nonce,
        hashLink,
        merkleBranch: coinbaseMerkleBranch(otherTransactionHashes),
        messageData,
      });
    },
  };
}

/**
 * generate_transaction from the finder on (docs/protocol.md §4.5 steps 7–10, §6.3–6.5): the finder's 0.5 %,
 * the donation remainder, the output order and cap, share_info, ref_hash and the gentx.
 */
export function finishGeneration(base: GenerationBase, input: FinderInput): Generated {
  const { net, layout } = base;
  const rules = layout.rules;
  if (input.shareData.previousShareHash !== base.previousShareHash)
    throw new Error('share_data names another parent than the prepared generation');
  if (input.shareData.subsidy !== base.inputSubsidy) throw new Error('share_data has another subsidy than the prepared generation');
  if (base.v36) return finishGenerationV36(base, base.v36, input);
  const { maxBits, bits } = shareBits(base.preTarget, input.desiredTarget);
  const subsidy = base.subsidy;

  const shareData: ShareData = { ...input.shareData, subsidy };
  if (rules.layout === 'A' && !shareData.pubkeyHash) {
    if (!shareData.address) throw new Error('share_data needs a payout address');
    const dec = decodeAddress(shareData.address, net.PARENT);
    if (dec.kind !== 'p2pkh') throw new Error(`share version ${rules.version} pays only P2PKH addresses`);
    shareData.pubkeyHash = dec.hash;
  }
  if (rules.layout === 'A') delete shareData.address;
  else if (shareData.address === undefined) throw new Error('share_data needs a payout address');
  if (rules.layout === 'B') delete shareData.pubkeyHash;

  // The finder's 0.5 % on top of its pro-rata part; the donation key takes the remainder (§6.3).
  const donKey = base.donationKey;
  const finder = finderKey(net, layout, shareData);
  const bonus = subsidy / 200n;
  const finderAmount = (base.amounts.get(finder) ?? 0n) + bonus;
  const donationAmount = (finder === donKey ? finderAmount : (base.amounts.get(donKey) ?? 0n)) + subsidy - (base.amountsSum + bonus);
  if (donationAmount < 0n) throw new Error('negative payout amount');

  // Output order (§6.5): the base order with the finder moved to its new place, the donation last,
  // then the last MAX_PAYOUT_OUTPUTS keys (zero amounts count toward the cap).
  const order = base.order;
  // The donation key is never in `order` (it is written last); any other finder is moved or inserted.
  const finderIsDonation = finder === donKey || finder === base.unpaidKey;
  const oldIndex = finderIsDonation ? -1 : (base.orderIndex.get(finder) ?? -1);
  let insertAt = -1; // index in `order` before which the finder goes (order.length: after all)
  if (!finderIsDonation) {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = order[mid]!;
      // The finder's old entry sorts before its new amount, or with it when the bonus is 0: the
      // predicate stays monotone, so the old entry needs no special case.
      if (comparePayee(p.amount, p.key, finderAmount, finder) < 0) lo = mid + 1;
      else hi = mid;
    }
    insertAt = lo;
  }
  const keys = order.length - (oldIndex >= 0 ? 1 : 0) + (finderIsDonation ? 0 : 1) + 1;
  let skip = keys > MAX_PAYOUT_OUTPUTS ? keys - MAX_PAYOUT_OUTPUTS : 0;
  const finderOut: TxOut | null = finderIsDonation ? null : { value: finderAmount, script: keyScript(net, layout, finder) };
  const donationOut: TxOut = { value: donationAmount, script: DONATION_SCRIPT };
  const payoutOutputs: TxOut[] = [];
  const payoutKeys: string[] = [];
  const take = (key: string, out: TxOut): void => {
    if (skip > 0) {
      skip--;
      return;
    }
    if (out.value !== 0n) {
      payoutOutputs.push(out);
      payoutKeys.push(key);
    }
  };
  for (let i = 0; i <= order.length; i++) {
    if (i === insertAt) take(finder, finderOut!);
    if (i === order.length) break;
    if (i !== oldIndex) take(order[i]!.key, order[i]!.out);
  }
  // The donation output is always written, even at 0 (the reference appends it unconditionally).
  payoutOutputs.push(donationOut);
  payoutKeys.push(donKey);

  let timestamp: number;
  if (base.prevTimestamp === null) timestamp = input.desiredTimestamp;
  else if (rules.timestampClipped)
    timestamp = clipNum(input.desiredTimestamp, base.prevTimestamp + 1, base.prevTimestamp + 2 * net.SHARE_PERIOD - 1);
  else timestamp = Math.max(input.desiredTimestamp, base.prevTimestamp + 1);

  const shareInfo: ShareInfo = {
    shareData,
    ...base.middle,
    maxBits,
    bits,
    timestamp,
    absheight: base.absheight,
    abswork: (base.prevAbswork + targetToAverageAttempts(bitsToTarget(bits))) % M128,
  };
  const shareInfoBytes = encodeShareInfo(shareInfo, layout, base.middleBytes);
  const refMerkleBranch = input.refMerkleBranch ?? [];
  const refHash = checkMerkleLink(hash256(Buffer.concat([net.IDENTIFIER, shareInfoBytes])), refMerkleBranch, 0);

  const lastTxoutNonce = input.lastTxoutNonce ?? 0n;
  const gentx = buildGentx(shareData.coinbase, payoutOutputs, refHash, lastTxoutNonce, base.commitmentScript);
  const otherTransactionHashes = base.otherTransactionHashes;
  const type = base.type;

  return {
    layout,
    shareInfo,
    shareInfoBytes,
    refHash,
    gentx,
    otherTransactionHashes,
    get payouts(): [string, bigint][] {
      return payoutKeys.map((key, i) => [key, payoutOutputs[i]!.value]);
    },
    getShare(header: BlockHeader, nonce: bigint): Share {
      const stripped = encodeTx(gentx, false);
      const hashLink = (({ state, length }) => ({ state, length }))(
        prefixToHashLink(stripped.subarray(0, stripped.length - 44), GENTX_BEFORE_REFHASH),
      );
      return solvedShare(net, type, header, {
        shareInfo,
        refMerkleBranch,
        lastTxoutNonce: nonce,
        hashLink,
        merkleBranch: coinbaseMerkleBranch(otherTransactionHashes),
      });
    },
  };
}

/**
 * `generate_transaction` (docs/protocol.md §4.5): one pure function for both work generation and, with the
 * share's own values and knownTxs = null, verification. The order of operations, integer divisions
 * and sort keys follow the reference exactly.
 */
export function generateTransaction(input: GenerateInput): Generated {
  return finishGeneration(prepareGeneration(input), input);
}

/** The share a solved header makes of generated contents; the header must be the one the work committed to. */
function solvedShare(net: Network, type: number, header: BlockHeader, rest: Omit<ShareContents, 'minHeader'>): Share {
  const { version, previousBlock, timestamp, bits, nonce } = header;
  const share = shareFromContents(net, type, { minHeader: { version, previousBlock, timestamp, bits, nonce }, ...rest });
  if (share.header.merkleRoot !== header.merkleRoot) throw new Error('solved header does not match the generated share');
  return share;
}
