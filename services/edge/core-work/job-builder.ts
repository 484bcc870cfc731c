// One job: generate_transaction for (payout address, share target) on the current work and work
// basis, cut into the stratum coinbase halves. Everything that does not depend on the key (the
// transaction selection, the coinbase script, header fields) is prepared once per work in a
// WorkContext, so a job costs one PPLNS payout computation and one gentx encoding.
//
// A job keeps the inputs of its generate_transaction (a few hundred bytes), not the result: the
// result holds the list of every template transaction hash, ~30 KB per job on a 1 MB template,
// and jobs live for minutes in the edge. A share solution (rare) runs it again on the same pinned
// basis — deterministic, ~0.3 ms — and checks it reproduces the job's coinbase.
import {
  bitsToTarget,
  encodeTx,
  finishGeneration,
  writeTx,
  Writer,
  type ByteArena,
  layoutFor,
  pushData,
  pushInteger,
  subsidy as subsidyFunc,
  DOGE_CHAIN_ID,
  mergedPayoutScript,
  mergedBlockWork,
  encodeMergedMiningData,
  type GenerationBase,
  type Generated,
  type MergedAddress,
  type MergedBlockWork,
  type MergedTemplate,
  type Network,
  type Tx,
} from '../../core/index.ts';
import type { Work } from '../../pool/work/template.ts';
import type { WorkBasis } from '../../pool/work/basis.ts';
import type { EdgeGenerateInput, WorkBasisView } from '../../pool/work/basis-view.ts';
import type { JobTemplate } from '../work-source.ts';
import { knownTxsOf, selectTransactions, selectionFromGenerated, SegwitBeforeActivationError, type TxSelection } from './tx-selection.ts';
import { choosePayout, type PayoutChoice } from './payout.ts';
import { pseudoshareTargetFor, shareTargetFor, type LocalRates } from './targets.ts';

/** What the share sink needs to turn a solution back into a block and a share. Opaque to the edge. */
export interface JobPayload {
  readonly kind: 'p2pool-core-work';
  readonly work: Work;
  readonly selection: TxSelection;
  /** generate_transaction again, exactly as for this job (checked against the job's coinbase). */
  regenerate(): Generated;
  /** The gentx's segwit flag and input witness: what block assembly adds to the stripped coinbase. */
  readonly gentxFlag: number | undefined;
  readonly gentxWitness: readonly Buffer[];
  readonly payout: PayoutChoice;
  readonly basisId: number;
  /** desired_share_target the job was generated with (before the consensus clip). */
  readonly desiredShareTarget: bigint;
  /** The aux work whose commitment is in this job's coinbase, or null. */
  readonly auxWorkId: bigint | null;
  /** V36 canonical merged blocks this job committed to (the aux service submits these, not its own). */
  readonly mergedBlocks: MergedBlockRef[];
}

/** A merged block built by the edge, as the Aux contract's MergedBlockProof carries it. */
export interface MergedBlockRef {
  chainId: number;
  header: Buffer;
  coinbase: Buffer;
}

/** Merged-mining work as the edge uses it: the coinbase commitment and the easiest aux target. */
export interface AuxCommitment {
  auxWorkId: bigint;
  /** fabe6d6d | root | size | nonce (docs/merged-mining.md), pushed right after the height. */
  mmData: Buffer;
  target: bigint;
  /** Dogecoin's block template, when it is the only aux chain and built from a template: V36 jobs build the canonical block. */
  mergedTemplate: MergedTemplate | null;
}

export function isJobPayload(p: unknown): p is JobPayload {
  return typeof p === 'object' && p !== null && (p as JobPayload).kind === 'p2pool-core-work';
}

/** 'fast': the selection once per work (default). 'core': generateTransaction with the decoded template, per job. */
export type GenerationMode = 'fast' | 'core';

/** Per (work, basis) preparation shared by every job of an epoch. */
export interface WorkContext {
  readonly net: Network;
  readonly view: WorkBasisView;
  /** generateTransaction on this basis (pinned: a later basis does not change it). */
  readonly generate: (input: EdgeGenerateInput) => Generated;
  readonly basis: WorkBasis;
  readonly work: Work;
  readonly mode: GenerationMode;
  readonly selection: TxSelection | null;
  /** 'fast': generate_transaction's finder-independent stage, once per work; jobs only finish it. */
  readonly base: GenerationBase | null;
  readonly core: { desiredTxs: ReturnType<typeof knownTxsOf>['desiredTxs']; knownTxs: Map<bigint, Tx> } | null;
  readonly coinbaseScript: Buffer;
  readonly aux: AuxCommitment | null;
  /** V36: the canonical merged block the coinbase commits to (spec p2pool-v36 §8.5), or null. */
  readonly merged: MergedBlockWork | null;
  readonly prevHash: Buffer;
  readonly version: number;
  readonly ntime: number;
  readonly blockTarget: bigint;
  readonly baseSubsidy: bigint;
  readonly segwit: boolean;
}

/**
 * share_data.coinbase (§4.6): push(height) + push(mm_data) when merge-mining + push(each coinbase
 * text) + coinbaseaux flags, at most 100 bytes (the reference's order, docs/merged-mining.md).
 */
export function coinbaseScript(work: Work, texts: readonly Buffer[], mmData: Buffer | null = null): Buffer {
  const parts: Buffer[] = [pushInteger(work.height)];
  if (mmData !== null) parts.push(pushData(mmData));
  for (const t of texts) parts.push(pushData(t));
  parts.push(work.coinbaseFlags);
  const script = Buffer.concat(parts).subarray(0, 100);
  // The share format needs at least 2 bytes; only regtest heights 1..16 push as one opcode.
  return script.length >= 2 ? script : Buffer.concat([script, Buffer.from([0])]);
}

export function prepareWork(
  net: Network,
  view: WorkBasisView,
  basis: WorkBasis,
  work: Work,
  mode: GenerationMode,
  texts: readonly Buffer[],
  aux: AuxCommitment | null = null,
): WorkContext {
  const layout = layoutFor(net, basis.shareVersion);
  // The FV budget counts only transactions new to the share chain: that needs the tracker, so the core does it.
  const effective: GenerationMode = layout.rules.lineage === 'FV' ? 'core' : mode;
  let selection: TxSelection | null = null;
  let core: WorkContext['core'] = null;
  if (effective === 'fast') {
    selection = selectTransactions({
      net,
      work,
      shareVersion: basis.shareVersion,
      gentxSize: basis.gentxSize,
      gentxWeight: basis.gentxWeight,
    });
    if (!layout.segwit && selection.hasWitnessTx) {
      throw new SegwitBeforeActivationError(
        `share version ${basis.shareVersion} cannot include segwit transactions (segwit activates at v${net.SEGWIT_ACTIVATION_VERSION})`,
      );
    }
  } else {
    core = knownTxsOf(work);
  }
  const segwit = layout.segwit;
  // V36 with a Dogecoin template: the canonical merged block over the basis's merged weights; the
  // coinbase commits to its hash alone (a tree of 1, as §8.6 requires).
  let merged: MergedBlockWork | null = null;
  const mw = basis.mergedWeights;
  if (aux?.mergedTemplate && layout.rules.mergedMining && mw && mw.total > 0n && mw.weights.size > 0)
    merged = mergedBlockWork(aux.mergedTemplate, mw);
  const mmData = merged ? encodeMergedMiningData({ root: merged.hash, treeSize: 1, merkleNonce: 0 }) : (aux?.mmData ?? null);
  const baseSubsidy = subsidyFunc(net.PARENT, work.height);
  const base =
    selection === null
      ? null
      : view.prepare({
          blockTarget: work.target,
          baseSubsidy,
          subsidy: selection.subsidy,
          desiredTxs: selection.desiredTxs,
          knownTxs: null,
          segwitData: segwit ? selection.segwitData : undefined,
        });
  return {
    net,
    view,
    generate: view.pinned(),
    basis,
    work,
    mode: effective,
    selection,
    base,
    core,
    coinbaseScript: coinbaseScript(work, texts, mmData),
    aux,
    merged,
    prevHash: Buffer.from(work.previousBlockHex, 'hex').reverse(),
    // docs/protocol.md §8.2: job version = max(template version, 0x20000000).
    version: Math.max(work.version >>> 0, 0x20000000) >>> 0,
    ntime: work.curtime,
    blockTarget: work.target,
    baseSubsidy,
    segwit,
  };
}

export interface JobRequest {
  payoutAddress: string | null;
  desiredShareTarget: bigint | null;
  /** The miner's merged-chain (Dogecoin) address as given; V36 shares store its script. */
  mergedAddress?: string | null;
}

/**
 * V36 merged_addresses from a miner's Dogecoin address (spec p2pool-v36 §8.2). An address that is not
 * Dogecoin's is left out, as the reference does: the miner's share then pays by its parent script.
 */
export function mergedAddressesFor(net: Network, shareVersion: number, mergedAddress: string | null | undefined): MergedAddress[] | null {
  if (!mergedAddress || !layoutFor(net, shareVersion).rules.mergedMining) return null;
  try {
    return [{ chainId: DOGE_CHAIN_ID, script: mergedPayoutScript(DOGE_CHAIN_ID, net.PARENT.CHAIN, mergedAddress) }];
  } catch {
    return null;
  }
}

export interface JobOptions {
  workId: number;
  /** Where the job's coinbase bytes live (one arena per work epoch). */
  arena: ByteArena;
  random: () => number;
  /** Seconds since the epoch. */
  now: number;
  feePercent: number;
  donationPercent: number;
  rates: LocalRates;
}

const scratch = new Writer(64 * 1024);

export function buildJob(c: WorkContext, req: JobRequest, o: JobOptions): JobTemplate {
  const { net, basis, work } = c;
  const payout = choosePayout(net, c.view, req.payoutAddress, basis.nodeAddress, o.feePercent, o.random);
  const subsidy = c.selection ? c.selection.subsidy : work.coinbaseValue;
  const desiredShareTarget = shareTargetFor({
    net,
    basis,
    blockTarget: c.blockTarget,
    subsidy: work.coinbaseValue,
    address: payout.address,
    requested: req.desiredShareTarget,
    donationPercent: o.donationPercent,
    rates: o.rates,
  });
  const shareData = c.view.shareData({
    address: payout.address,
    coinbase: c.coinbaseScript,
    subsidy,
    random: o.random,
    donationPercent: o.donationPercent,
  });
  const common = {
    shareData,
    mergedAddresses: mergedAddressesFor(net, basis.shareVersion, req.mergedAddress),
    mergedCoinbaseInfo: c.merged ? [c.merged.entry] : null,
    blockTarget: c.blockTarget,
    desiredTimestamp: Math.floor(o.now + 0.5),
    desiredTarget: desiredShareTarget,
    baseSubsidy: c.baseSubsidy,
  };
  let input: EdgeGenerateInput;
  let generated: Generated;
  if (c.selection) {
    input = { ...common, desiredTxs: c.selection.desiredTxs, knownTxs: null, segwitData: c.segwit ? c.selection.segwitData : undefined };
    // The work's prepared stage, finished for this payout address. The share is built by the one-shot
    // function (regenerate), which must reproduce this job's gentx byte for byte.
    generated = finishGeneration(c.base!, input);
  } else {
    input = { ...common, desiredTxs: c.core!.desiredTxs, knownTxs: c.core!.knownTxs };
    generated = c.generate(input);
  }
  const selection =
    c.selection ?? selectionFromGenerated(work, generated.otherTransactionHashes, generated.shareInfo.segwitData, c.core!.knownTxs);
  // Kept for minutes by the job: in the epoch's arena (core ByteArena), written through a scratch writer.
  writeTx(scratch.reset(), generated.gentx, false);
  const stripped = scratch.copyTo(o.arena.alloc(scratch.length));
  const shareTarget = bitsToTarget(generated.shareInfo.bits);
  const generate = c.generate;
  const payload: JobPayload = {
    kind: 'p2pool-core-work',
    work,
    selection,
    payout,
    basisId: basis.basisId,
    desiredShareTarget,
    auxWorkId: c.aux?.auxWorkId ?? null,
    mergedBlocks: c.merged
      ? [{ chainId: c.merged.entry.chainId, header: c.merged.headerBytes, coinbase: encodeTx(c.merged.coinbase, false) }]
      : [],
    gentxFlag: generated.gentx.flag,
    gentxWitness: generated.gentx.inputs[0]!.witness,
    regenerate: () => {
      const again = generate(input);
      if (!encodeTx(again.gentx, false).equals(stripped)) throw new Error("regenerated gentx differs from the job's coinbase");
      return again;
    },
  };
  return {
    workId: o.workId,
    prevHash: c.prevHash,
    version: c.version,
    bits: work.bits,
    ntime: c.ntime,
    // docs/protocol.md §4.5: coinb1 = stripped_gentx[:-12], coinb2 = stripped_gentx[-4:]; the 8 bytes between are the nonce.
    coinb1: stripped.subarray(0, stripped.length - 12),
    coinb2: stripped.subarray(stripped.length - 4),
    merkleBranch: selection.merkleBranchRaw,
    shareTarget,
    blockTarget: c.blockTarget,
    pseudoshareTarget: pseudoshareTargetFor(net, basis, o.rates, c.blockTarget, shareTarget, work.coinbaseValue, c.aux?.target),
    ...(c.aux ? { auxTarget: c.aux.target } : {}),
    payload,
  };
}
