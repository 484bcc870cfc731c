import type { Tx } from '../bitcoin/tx.ts';
import { encodeTx, txid } from '../bitcoin/tx.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import { coinbaseMerkleBranch } from '../bitcoin/merkle.ts';
import { subsidy as subsidyFunc } from '../networks/types.ts';
import type { ShareTracker } from '../tracker/share-tracker.ts';
import { MAX_FUTURE_SECONDS } from './constants.ts';
import { ShareRuleError } from './errors.ts';
import { generateTransaction } from './generate.ts';
import type { Share } from './share.ts';
import { shareVersion } from './versions.ts';
import { countsTotal, votingWindowCounts } from './voting.ts';
import { verifyMergedCoinbaseCommitment } from '../merged/commitment.ts';
import { validMessageData } from './message-data.ts';

export interface CheckResult {
  gentx: Tx;
  otherTransactionHashes: bigint[];
  /** The voting window counts when the chain is long enough (for the protocol-minimum update); computed on first read. */
  readonly versionCounts: Map<number, bigint> | null;
  gentxSize: number;
  gentxWeight: number;
}

export interface CheckOptions {
  /** Seconds since the epoch; [JT] shares more than 600 s ahead of it are rejected. */
  now: number;
}

/**
 * Full verification of a share against its ancestors (`check`, docs/protocol.md §5.2). The share must already
 * be in the tracker with its parent (and, for v < 34, the shares its tx refs point to).
 */
export function checkShare(tracker: ShareTracker, share: Share, opts: CheckOptions): CheckResult {
  const net = share.net;
  const rules = share.rules;
  const contents = share.contents;
  const info = contents.shareInfo;
  if (rules.futureLimit && info.timestamp > opts.now + MAX_FUTURE_SECONDS) {
    throw new ShareRuleError('timestamp', `share timestamp ${info.timestamp} is too far in the future`);
  }

  let versionCounts: Map<number, bigint> | null | undefined = null;
  let countsFor: bigint | null = null;
  const prevHash = share.previousHash;
  if (prevHash !== null) {
    const prev = tracker.get(prevHash);
    if (!prev) throw new ShareRuleError('parent', 'previous share is not known');
    const successor = shareVersion(net.LINEAGE, prev.type)?.successor ?? null;
    if (tracker.getHeight(prevHash) >= net.CHAIN_LENGTH) {
      // The window walk is only needed on a version change; otherwise it is computed if read.
      versionCounts = undefined;
      countsFor = prevHash;
      if (share.type !== prev.type) {
        versionCounts = votingWindowCounts(tracker, net, prevHash);
        if (share.type === successor) {
          const total = countsTotal(versionCounts);
          if ((versionCounts.get(share.type) ?? 0n) < (total * 60n) / 100n) {
            throw new ShareRuleError('version-switch', 'switch without enough hash power upgraded', true);
          }
        } else if (rules.lineage === 'V36' && rules.successor === prev.type) {
          // [V36] a share may go back to its predecessor's version (v35 after v36).
        } else {
          throw new ShareRuleError('version-switch', `share version ${share.type} can't follow ${prev.type}`, true);
        }
      }
    } else if (share.type !== prev.type && share.type === successor) {
      throw new ShareRuleError('version-switch', 'switch without enough history', true);
    }
  }

  let otherTxHashes: bigint[] = [];
  if (rules.txRefs) {
    const refs = info.transactionHashRefs;
    otherTxHashes = new Array(refs.length / 2);
    for (let i = 0; i < refs.length; i += 2) {
      const shareCount = refs[i]!;
      const txCount = refs[i + 1]!;
      const src = shareCount === 0 ? share : tracker.get(tracker.getNthParentHash(share.hash, shareCount) ?? -1n);
      const h = src?.newTransactionHashes[txCount];
      if (h === undefined) throw new ShareRuleError('tx-refs', `transaction ref (${shareCount}, ${txCount}) points to nothing`);
      otherTxHashes[i / 2] = h;
    }
  }

  const blockHeight = 0; // base_subsidy only matters when fees are unknown AND txs were dropped: never in verification
  const gen = generateTransaction({
    tracker,
    net,
    type: share.type,
    shareData: info.shareData,
    blockTarget: bitsToTarget(share.headerBits),
    desiredTimestamp: info.timestamp,
    desiredTarget: share.target,
    refMerkleBranch: contents.refMerkleBranch,
    desiredTxs: otherTxHashes.map((hash) => ({ hash, fee: null })),
    knownTxs: null,
    lastTxoutNonce: contents.lastTxoutNonce,
    baseSubsidy: subsidyFunc(net.PARENT, blockHeight),
    segwitData: info.segwitData,
    mergedAddresses: info.mergedAddresses,
    mergedCoinbaseInfo: info.mergedCoinbaseInfo,
    messageData: contents.messageData,
  });
  if (rules.mergedMining) {
    // The reference's order for v36: the gentx (which commits to the regenerated share_info), the
    // merged commitment, the authority messages, then share_info.
    if (txid(gen.gentx) !== share.gentxHash) throw new ShareRuleError('gentx', "gentx doesn't match hash_link");
    try {
      verifyMergedCoinbaseCommitment({
        tracker,
        lookup: tracker.mergedLookup,
        realChainLength: net.REAL_CHAIN_LENGTH,
        previousShareHash: prevHash,
        coinbase: info.shareData.coinbase,
        entries: info.mergedCoinbaseInfo,
      });
    } catch (e) {
      throw new ShareRuleError('merged-coinbase', `merged coinbase verification failed: ${(e as Error).message}`);
    }
    if (contents.messageData && !validMessageData(contents.messageData))
      throw new ShareRuleError('message-data', 'message_data does not verify', true);
  }
  if (!gen.shareInfoBytes.equals(share.shareInfoBytes)) {
    throw new ShareRuleError('share-info', 'share_info invalid (regenerated share_info differs)');
  }
  const gentxTxid = txid(gen.gentx);
  if (gentxTxid !== share.gentxHash) throw new ShareRuleError('gentx', "gentx doesn't match hash_link");
  if (rules.txRefs) {
    const branch = coinbaseMerkleBranch(otherTxHashes);
    const mine = contents.merkleBranch;
    if (branch.length !== mine.length || branch.some((h, i) => h !== mine[i]))
      throw new ShareRuleError('merkle-link', 'merkle_link and other_transaction_hashes do not match');
  }
  const stripped = encodeTx(gen.gentx, false).length;
  const full = encodeTx(gen.gentx, true).length;
  return {
    gentx: gen.gentx,
    otherTransactionHashes: otherTxHashes,
    get versionCounts() {
      if (versionCounts === undefined) versionCounts = votingWindowCounts(tracker, net, countsFor!);
      return versionCounts;
    },
    gentxSize: stripped,
    gentxWeight: full + 3 * stripped,
  };
}
