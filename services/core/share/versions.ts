import type { Lineage, Network } from '../networks/types.ts';

/**
 * One share version's rules: what the reference encodes as a class (p2pool/data.py). Consensus code
 * asks these questions instead of comparing version numbers inline, so a new version is one entry.
 */
export interface ShareVersion {
  version: number;
  lineage: Lineage;
  className: string;
  /**
   * A: pubkey_hash and transaction refs (v16, 17, 32, 33). B: address string, no tx refs (v34, 35).
   * C: pubkey_hash + pubkey_type, VarInt subsidy/abswork, merged-mining fields, message_data (v36).
   */
  layout: 'A' | 'B' | 'C';
  successor: number | null;
  /** What shares of this version put in desired_version (the SUCCESSOR's, or its own). */
  votingVersion: number;
  /** The class's MINIMUM_PROTOCOL_VERSION ([JT]); raised at ≥ 95 % of the voting window. */
  minProtocolVersion: number;
  /** v35 pads bech32 programs to 40 hex digits; v34 and older strip leading zero nibbles. */
  paddingBugfix: boolean;
  /** v < 32: timestamp clipped to [prev+1, prev+2·SHARE_PERIOD-1]; v ≥ 32: at least prev+1. */
  timestampClipped: boolean;
  /** v < 34: shares list new transactions and reference older ones. */
  txRefs: boolean;
  /** [FV] cap on the full size of new transactions per share when generating. */
  maxNewTxsSize?: number;
  /** [FV] merkle branches of at most 16 hashes at parse time. */
  branchLimit: boolean;
  /** [JT] reject shares whose timestamp is more than 600 s in the future. */
  futureLimit: boolean;
  /** How a share's payout is keyed in PPLNS: address string [JT] or output script [FV]. */
  payoutKey: 'address' | 'script';
  /**
   * MergedMiningShare rules (docs/consensus-core.md, V36): decayed PPLNS from the parent, no finder
   * fee, the P2SH combined donation, emergency retarget decay, merged_payout_hash.
   */
  mergedMining: boolean;
}

const JT_BASE = { lineage: 'JT' as const, branchLimit: false, futureLimit: true, payoutKey: 'address' as const, mergedMining: false };
const FV_BASE = {
  lineage: 'FV' as const,
  branchLimit: true,
  futureLimit: false,
  payoutKey: 'script' as const,
  mergedMining: false,
  paddingBugfix: false,
  timestampClipped: true,
  txRefs: true,
  layout: 'A' as const,
};

export const JT_VERSIONS: ShareVersion[] = [
  {
    ...JT_BASE,
    version: 17,
    className: 'Share',
    layout: 'A',
    successor: 35,
    votingVersion: 35,
    minProtocolVersion: 1400,
    paddingBugfix: false,
    timestampClipped: true,
    txRefs: true,
  },
  {
    ...JT_BASE,
    version: 32,
    className: 'PreSegwitShare',
    layout: 'A',
    successor: 35,
    votingVersion: 35,
    minProtocolVersion: 1400,
    paddingBugfix: false,
    timestampClipped: false,
    txRefs: true,
  },
  {
    ...JT_BASE,
    version: 33,
    className: 'NewShare',
    layout: 'A',
    successor: 35,
    votingVersion: 35,
    minProtocolVersion: 3300,
    paddingBugfix: false,
    timestampClipped: false,
    txRefs: true,
  },
  {
    ...JT_BASE,
    version: 34,
    className: 'SegwitMiningShare',
    layout: 'B',
    successor: 35,
    votingVersion: 35,
    minProtocolVersion: 3300,
    paddingBugfix: false,
    timestampClipped: false,
    txRefs: false,
  },
  {
    ...JT_BASE,
    version: 35,
    className: 'PaddingBugfixShare',
    layout: 'B',
    successor: null,
    votingVersion: 35,
    minProtocolVersion: 3500,
    paddingBugfix: true,
    timestampClipped: false,
    txRefs: false,
  },
];

export const FV_VERSIONS: ShareVersion[] = [
  { ...FV_BASE, version: 16, className: 'Share', successor: 17, votingVersion: 17, minProtocolVersion: 1400, maxNewTxsSize: 50000 },
  { ...FV_BASE, version: 17, className: 'NewShare', successor: null, votingVersion: 17, minProtocolVersion: 1700, maxNewTxsSize: 100000 },
];

/**
 * The p2pool-merged-v36 lineage: JT's classes, whose successor is now v35 → v36 and whose shares vote
 * 36 (every V36 node votes 36 in every share it makes), plus v36 itself (spec v36 §3).
 */
export const V36_VERSIONS: ShareVersion[] = [
  ...JT_VERSIONS.map((v) => ({ ...v, lineage: 'V36' as const, successor: v.version === 35 ? 36 : v.successor, votingVersion: 36 })),
  {
    ...JT_BASE,
    lineage: 'V36',
    version: 36,
    className: 'MergedMiningShare',
    layout: 'C',
    successor: null,
    votingVersion: 36,
    minProtocolVersion: 3600,
    paddingBugfix: true,
    timestampClipped: false,
    txRefs: false,
    payoutKey: 'address',
    mergedMining: true,
  },
];

/** The lowest version a lineage parses; lower wrapper types are obsolete (`Share.VERSION`). */
export function minimumShareVersion(lineage: Lineage): number {
  return lineage === 'FV' ? 16 : 17;
}

export function versionsOf(lineage: Lineage): ShareVersion[] {
  return lineage === 'JT' ? JT_VERSIONS : lineage === 'V36' ? V36_VERSIONS : FV_VERSIONS;
}

/** JT and V36 share the jtoomim rules (address strings, 600 s future limit, 3501+ protocol). */
export function isJtFamily(lineage: Lineage): boolean {
  return lineage !== 'FV';
}

export function shareVersion(lineage: Lineage, version: number): ShareVersion | undefined {
  return versionsOf(lineage).find((v) => v.version === version);
}

export function isSegwitActivated(version: number, net: Network): boolean {
  return net.SEGWIT_ACTIVATION_VERSION > 0 && version >= net.SEGWIT_ACTIVATION_VERSION;
}
