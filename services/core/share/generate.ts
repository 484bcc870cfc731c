import type { Tx, TxOut } from '../bitcoin/tx.ts';
import { encodeTx, txid, wtxid, hasWitness, strippedSize } from '../bitcoin/tx.ts';
import { targetToAverageAttempts } from '../bitcoin/difficulty.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import { coinbaseMerkleBranch, merkleRoot, checkMerkleLink } from '../bitcoin/merkle.ts';
import { prefixToHashLink } from '../bitcoin/hash-link.ts';
import { addressToScriptJT, decodeAddress, pubkeyHashToAddress } from '../bitcoin/address.ts';
import { p2pkhScript } from '../bitcoin/script.ts';
import type { BlockHeader } from '../bitcoin/header.ts';
import { hash256 } from '../crypto/hash.ts';
import type { Network } from '../networks/types.ts';
import { preTarget3, shareBits } from '../target/retarget.ts';
import { coinbaseAmounts, payoutOrder } from '../pplns/amounts.ts';
import type { ShareTracker } from '../tracker/share-tracker.ts';
import { encodeShareInfo, type ShareLayout } from './codec.ts';
import { DONATION_PUBKEY_HASH, DONATION_SCRIPT, GENTX_BEFORE_REFHASH, TX_REF_LOOKBACK } from './constants.ts';
import { buildGentx } from './gentx.ts';
import { ShareRuleError } from './errors.ts';
import { layoutFor, shareFromContents, type Share } from './share.ts';
import type { SegwitData, ShareContents, ShareData, ShareInfo } from './types.ts';

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

export function donationKey(net: Network, layout: ShareLayout): string {
  return layout.rules.payoutKey === 'address' ? pubkeyHashToAddress(DONATION_PUBKEY_HASH, net.PARENT.ADDRESS_VERSION) : DONATION_SCRIPT.toString('hex');
}

/** The payout key of a share author (finder) from share_data (JT: address string; FV: script hex). */
export function finderKey(net: Network, layout: ShareLayout, d: ShareData): string {
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
    const built = addressToScriptJT(key, net.PARENT, layout.rules.paddingBugfix);
    script = Buffer.allocUnsafeSlow(built.length);
    built.copy(script);
    if (cache.size >= 100000) cache.clear();
    cache.set(key, script);
  }
  return script;
}

/**
 * `generate_transaction` (spec §4.5): one pure function for both work generation and, with the
 * share's own values and knownTxs = null, verification. The order of operations, integer divisions
 * and sort keys follow the reference exactly.
 */
export function generateTransaction(input: GenerateInput): Generated {
  const { tracker, net } = input;
  const layout = layoutFor(net, input.type);
  const rules = layout.rules;
  const prevHash = input.shareData.previousShareHash;
  const prev = prevHash === null ? undefined : tracker.get(prevHash);
  const [height, last] = tracker.getHeightAndLast(prevHash);
  if (!(height >= net.REAL_CHAIN_LENGTH || last === null)) throw new ShareRuleError('chain-incomplete', `previous share's chain is incomplete (height ${height})`);

  const pre = preTarget3(tracker, net, prevHash);
  const { maxBits, bits } = shareBits(pre, input.desiredTarget);

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

  // PPLNS over the shares before the parent.
  const start = prev ? prev.previousHash : null;
  const maxShares = Math.max(0, Math.min(height, net.REAL_CHAIN_LENGTH) - 1);
  const desiredWeight = 65535n * BigInt(net.SPREAD) * targetToAverageAttempts(input.blockTarget);
  const { weights, total } = tracker.pplns.get(start, maxShares, desiredWeight);

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

  const donKey = donationKey(net, layout);
  const amounts = coinbaseAmounts(subsidy, weights, total, finderKey(net, layout, shareData), donKey);
  const dests = payoutOrder(amounts, donKey);

  // Segwit data.
  let segwit = layout.segwit;
  let segwitData = input.segwitData;
  if (segwitData === null && input.knownTxs === null) segwit = false;
  if (input.knownTxs) {
    const txs = otherTransactionHashes.map((h) => input.knownTxs!.get(h)!);
    if (!segwit && txs.some(hasWitness)) throw new Error('cannot include segwit transactions before segwit activation');
    if (segwit) segwitData = { txidMerkleBranch: coinbaseMerkleBranch(txs.map(txid)), wtxidMerkleRoot: merkleRoot([0n, ...txs.map(wtxid)]) };
  }
  if (segwit && !segwitData) throw new ShareRuleError('segwit-data', 'segwit-activated share without segwit_data');

  const farShareHash = last === null && height < 99 ? null : tracker.getNthParentHash(prevHash!, 99);
  let timestamp: number;
  if (!prev) timestamp = input.desiredTimestamp;
  else if (rules.timestampClipped) timestamp = clipNum(input.desiredTimestamp, prev.timestamp + 1, prev.timestamp + 2 * net.SHARE_PERIOD - 1);
  else timestamp = Math.max(input.desiredTimestamp, prev.timestamp + 1);

  const shareInfo: ShareInfo = {
    shareData,
    segwitData: layout.segwit ? (segwit ? segwitData : null) : undefined,
    newTransactionHashes: rules.txRefs ? newTransactionHashes : [],
    transactionHashRefs: rules.txRefs ? transactionHashRefs : [],
    farShareHash,
    maxBits,
    bits,
    timestamp,
    absheight: prev ? (prev.absheight + 1) % M32 : 1,
    abswork: ((prev ? prev.abswork : 0n) + targetToAverageAttempts(bitsToTarget(bits))) % M128,
  };
  const shareInfoBytes = encodeShareInfo(shareInfo, layout);
  const refMerkleBranch = input.refMerkleBranch ?? [];
  const refHash = checkMerkleLink(hash256(Buffer.concat([net.IDENTIFIER, shareInfoBytes])), refMerkleBranch, 0);

  const payoutOutputs: TxOut[] = [];
  for (const key of dests) {
    if (key === donKey) continue;
    const value = amounts.get(key)!;
    if (value !== 0n) payoutOutputs.push({ value, script: keyScript(net, layout, key) });
  }
  payoutOutputs.push({ value: amounts.get(donKey)!, script: DONATION_SCRIPT });
  const lastTxoutNonce = input.lastTxoutNonce ?? 0n;
  const gentx = buildGentx(shareData.coinbase, payoutOutputs, refHash, lastTxoutNonce, segwit ? segwitData!.wtxidMerkleRoot : null);

  const payouts: [string, bigint][] = dests.filter((k2) => k2 === donKey || amounts.get(k2)! !== 0n).map((k2) => [k2, amounts.get(k2)!]);
  return {
    layout,
    shareInfo,
    shareInfoBytes,
    refHash,
    gentx,
    otherTransactionHashes,
    payouts,
    getShare(header: BlockHeader, nonce: bigint): Share {
      const stripped = encodeTx(gentx, false);
      const contents: ShareContents = {
        minHeader: { version: header.version, previousBlock: header.previousBlock, timestamp: header.timestamp, bits: header.bits, nonce: header.nonce },
        shareInfo,
        refMerkleBranch,
        lastTxoutNonce: nonce,
        hashLink: (({ state, length }) => ({ state, length }))(prefixToHashLink(stripped.subarray(0, stripped.length - 44), GENTX_BEFORE_REFHASH)),
        merkleBranch: coinbaseMerkleBranch(otherTransactionHashes),
      };
      const share = shareFromContents(net, input.type, contents);
      if (share.header.merkleRoot !== header.merkleRoot) throw new Error('solved header does not match the generated share');
      return share;
    },
  };
}
