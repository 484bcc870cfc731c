// The work basis (services/pool/work/basis.ts) ↔ its proto message (WorkBasisPublished, GetWorkBasis):
// what the sharechain publishes and every edge and gateway reads back. Hashes travel as 32 bytes in
// internal (little-endian) order; big weights as unsigned little-endian bytes (common.proto).
import { encodeWrapper, readWrapper, u256FromLE, u256ToLE, uintFromLE, uintToLE, type Share } from '../../core/index.ts';
import { Reader } from '../../core/codec/index.ts';
import { SyncState, type WorkBasis as WorkBasisMsg } from '../../gen/p2pool/v1/sharechain.ts';
import type { SyncStateName, WorkBasis } from '../work/basis.ts';

export const SYNC: Record<SyncStateName, SyncState> = {
  loading: SyncState.LOADING,
  downloading: SyncState.DOWNLOADING,
  synced: SyncState.SYNCED,
};

export const hashBytes = (h: bigint | null): Uint8Array => (h === null ? new Uint8Array() : u256ToLE(h));
export const packedShare = (s: Share) => ({ type: BigInt(s.type), contents: s.packedContents });
export const wrapShare = (p: { type: bigint; contents: Uint8Array } | undefined): Buffer =>
  encodeWrapper(Number(p?.type ?? 0), Buffer.from(p?.contents ?? new Uint8Array()));
const unwrap = (bytes: Buffer) => {
  const w = readWrapper(new Reader(bytes));
  return { type: BigInt(w.type), contents: w.contents };
};

/** Our WorkBasis as the proto message: everything an edge needs to run generate_transaction on it. */
export function workBasisMessage(b: WorkBasis): WorkBasisMsg {
  return {
    basisId: BigInt(b.basisId),
    syncState: SYNC[b.syncState],
    previousShareHash: hashBytes(b.previousShareHash),
    shareVersion: BigInt(b.shareVersion),
    desiredVersion: BigInt(b.desiredVersion),
    height: b.height,
    prevAbsheight: 0,
    prevAbswork: new Uint8Array(),
    prevTimestamp: 0,
    farShareHash: new Uint8Array(),
    maxBits: b.maxBits,
    minBits: b.minBits,
    weights: [...(b.pplns?.weights ?? new Map())].map(([address, w]) => ({ address, script: new Uint8Array(), weight: uintToLE(w) })),
    totalWeight: uintToLE(b.pplns?.total ?? 0n),
    donationWeight: uintToLE(b.pplns?.donation ?? 0n),
    templateId: BigInt(b.templateId),
    staleInfo: b.staleInfo,
    nodeAddress: b.nodeAddress,
    workerFeePercent: b.workerFeePercent,
    donationPercent: b.donationPercent,
    publishedAtMs: BigInt(b.publishedAtMs),
    localHashRate: b.localHashRate ?? 0,
    network: b.network,
    chain: b.chain.map((c) => unwrap(c.packed)),
    chainHashes: b.chain.map((c) => u256ToLE(c.hash)),
    last: hashBytes(b.last),
    pplnsKnown: b.pplns !== null,
    pplnsStart: hashBytes(b.pplns?.start ?? null),
    pplnsMaxShares: b.pplns?.maxShares ?? 0,
    pplnsDesiredWeight: uintToLE(b.pplns?.desiredWeight ?? 0n),
    blockBits: b.blockBits ?? 0,
    preTarget3: u256ToLE(b.preTarget3),
    punishAggressively: b.punishAggressively,
    gentxSize: b.gentxSize ?? 0,
    gentxWeight: b.gentxWeight ?? 0,
    mergedPayoutHash: hashBytes(b.mergedPayoutHash),
    mergedWeights: [...(b.mergedWeights?.weights ?? new Map())].map(([address, w]) => ({
      address,
      script: new Uint8Array(),
      weight: uintToLE(w),
    })),
    mergedTotalWeight: uintToLE(b.mergedWeights?.total ?? 0n),
    mergedDonationWeight: uintToLE(b.mergedWeights?.donation ?? 0n),
  };
}

const SYNC_NAME = new Map<SyncState, SyncStateName>(Object.entries(SYNC).map(([k, v]) => [v, k as SyncStateName]));
const hashOrNull = (b: Uint8Array): bigint | null => (b.length === 0 ? null : u256FromLE(b));

/** The proto message back into our WorkBasis (what an edge in another process hands its WorkBasisView). */
export function workBasisFromMessage(m: WorkBasisMsg): WorkBasis {
  if (m.chain.length !== m.chainHashes.length) throw new Error(`work basis: ${m.chain.length} shares but ${m.chainHashes.length} hashes`);
  return {
    basisId: Number(m.basisId),
    network: m.network,
    syncState: SYNC_NAME.get(m.syncState) ?? 'loading',
    previousShareHash: hashOrNull(m.previousShareHash),
    shareVersion: Number(m.shareVersion),
    desiredVersion: Number(m.desiredVersion),
    height: m.height,
    last: hashOrNull(m.last),
    chain: m.chain.map((p, i) => ({ hash: u256FromLE(m.chainHashes[i]!), packed: wrapShare(p) })),
    blockBits: m.blockBits === 0 ? null : m.blockBits,
    pplns: m.pplnsKnown
      ? {
          start: hashOrNull(m.pplnsStart),
          maxShares: m.pplnsMaxShares,
          desiredWeight: uintFromLE(m.pplnsDesiredWeight),
          weights: new Map(m.weights.map((w) => [w.address, uintFromLE(w.weight)])),
          total: uintFromLE(m.totalWeight),
          donation: uintFromLE(m.donationWeight),
        }
      : null,
    preTarget3: m.preTarget3.length ? u256FromLE(m.preTarget3) : 0n,
    mergedPayoutHash: hashOrNull(m.mergedPayoutHash),
    // No total (unsigned LE of 0 is empty) = no merged weights: no canonical merged block (§8.5).
    mergedWeights:
      m.mergedTotalWeight.length === 0
        ? null
        : {
            weights: new Map(m.mergedWeights.map((w) => [w.address, uintFromLE(w.weight)])),
            total: uintFromLE(m.mergedTotalWeight),
            donation: uintFromLE(m.mergedDonationWeight),
          },
    maxBits: m.maxBits,
    minBits: m.minBits,
    staleInfo: m.staleInfo,
    punishAggressively: m.punishAggressively,
    gentxSize: m.gentxSize || undefined,
    gentxWeight: m.gentxWeight || undefined,
    nodeAddress: m.nodeAddress,
    workerFeePercent: m.workerFeePercent,
    donationPercent: m.donationPercent,
    templateId: Number(m.templateId),
    localHashRate: m.localHashRate || null,
    publishedAtMs: Number(m.publishedAtMs),
  };
}
