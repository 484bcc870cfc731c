// Mines real share chains through the generator on an easy network: for tests and benchmarks.
import type { Lineage, Network } from '../networks/types.ts';
import { NETWORKS } from '../networks/builtin.ts';
import { PARENTS } from '../networks/parents.ts';
import { ShareTracker } from '../tracker/share-tracker.ts';
import { generateTransaction } from '../share/generate.ts';
import { txid } from '../bitcoin/tx.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import { coinbaseMerkleBranch, checkMerkleLink } from '../bitcoin/merkle.ts';
import { encodeHeader, type BlockHeader } from '../bitcoin/header.ts';
import { pushInteger } from '../bitcoin/script.ts';
import { pubkeyHashToAddress } from '../bitcoin/address.ts';
import { hash160 } from '../crypto/hash.ts';
import { powHash, type Share } from '../share/share.ts';
import { subsidy } from '../networks/types.ts';
import type { SegwitData } from '../share/types.ts';

/** A mainnet-shaped network with an easy MAX_TARGET so a CPU mines a share in a couple of hashes. */
export function easyNetwork(
  opts: { chainLength?: number; pow?: 'sha256d' | 'scrypt'; lineage?: Lineage; version?: number; lookbehind?: number } = {},
): Network {
  const base = opts.pow === 'scrypt' ? NETWORKS.litecoin! : NETWORKS.bitcoin!;
  const cl = opts.chainLength ?? 8640;
  return {
    ...base,
    NAME: `easy-${opts.pow ?? 'sha256d'}-${cl}`,
    LINEAGE: opts.lineage ?? 'JT',
    PARENT: { ...(opts.pow === 'scrypt' ? PARENTS.litecoin! : PARENTS.bitcoin!) },
    CHAIN_LENGTH: cl,
    REAL_CHAIN_LENGTH: cl,
    TARGET_LOOKBEHIND: opts.lookbehind ?? 200,
    MAX_TARGET: (1n << 255n) - 1n,
    SEGWIT_ACTIVATION_VERSION: 17,
    PERSIST: false,
    GENESIS_SHARE_VERSION: opts.version ?? 35,
  };
}

/** Deterministic P2PKH / P2WPKH addresses for the network's coin. */
export function testAddresses(net: Network, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pubkeyHashToAddress(hash160(Buffer.from(`miner-${i}`)), net.PARENT.ADDRESS_VERSION));
  return out;
}

export interface BuildOptions {
  count: number;
  miners?: string[];
  /** Number of template transactions the segwit branch stands for (mainnet: ~3000 → 12 hashes). */
  templateTxs?: number;
  startTime?: number;
  /** Build on this tip instead of a new genesis. */
  tracker?: ShareTracker;
  parent?: bigint | null;
  /** Vary the extra nonce so forks from the same parent differ. */
  salt?: number;
  version?: number;
  desiredVersion?: number;
  /** Local receive time recorded on each share (0 = loaded from disk). */
  timeSeen?: number;
  peerAddr?: string;
}

const BLOCK_PREV = 0x00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054n;

/** Build `count` shares on top of `parent` (or genesis), adding each to the tracker. Returns them in order. */
export function buildChain(net: Network, opts: BuildOptions): { tracker: ShareTracker; shares: Share[] } {
  const tracker = opts.tracker ?? new ShareTracker();
  const miners = opts.miners ?? testAddresses(net, 50);
  const txCount = opts.templateTxs ?? 0;
  const others = Array.from({ length: txCount }, (_, i) => BigInt(i + 1) * 0x9e3779b97f4a7c15n);
  const segwitData: SegwitData = { txidMerkleBranch: coinbaseMerkleBranch(others), wtxidMerkleRoot: txCount ? 0x1234n : 0n };
  const blockBits = 0x1f6d3a06; // an easy block target that few shares meet
  const blockTarget = bitsToTarget(blockBits);
  const start = opts.startTime ?? 1700000000;
  const shares: Share[] = [];
  let prev: bigint | null = opts.parent === undefined ? null : opts.parent;
  const salt = opts.salt ?? 0;
  for (let i = 0; i < opts.count; i++) {
    const prevShare = prev === null ? undefined : tracker.get(prev);
    const height = prevShare ? prevShare.absheight : 0;
    const version = opts.version ?? (prevShare ? prevShare.type : net.GENESIS_SHARE_VERSION);
    const address = miners[(height + salt) % miners.length]!;
    const gen = generateTransaction({
      tracker,
      net,
      type: version,
      shareData: {
        previousShareHash: prev,
        coinbase: Buffer.concat([pushInteger(650000 + height), Buffer.from(`/bench/${salt}/`)]),
        nonce: (height * 7919 + salt) >>> 0,
        address,
        subsidy: 625000000n,
        donation: height % 17 === 0 ? 655 : 0,
        staleInfo: 0,
        desiredVersion: opts.desiredVersion ?? 35,
      },
      blockTarget,
      desiredTimestamp: start + (height + 1) * net.SHARE_PERIOD,
      desiredTarget: (1n << 256n) - 1n,
      desiredTxs: [],
      knownTxs: null,
      baseSubsidy: subsidy(net.PARENT, 650000),
      segwitData: net.SEGWIT_ACTIVATION_VERSION && version >= net.SEGWIT_ACTIVATION_VERSION ? segwitData : undefined,
    });
    const gentxHash = txid(gen.gentx);
    const branch = gen.layout.segwit ? segwitData.txidMerkleBranch : coinbaseMerkleBranch([]);
    const header: BlockHeader = {
      version: 0x20000000,
      previousBlock: BLOCK_PREV,
      merkleRoot: checkMerkleLink(gentxHash, branch, 0),
      timestamp: gen.shareInfo.timestamp,
      bits: blockBits,
      nonce: 0,
    };
    const shareTarget = bitsToTarget(gen.shareInfo.bits);
    while (powHash(net, encodeHeader(header)) > shareTarget) header.nonce++;
    const share = gen.getShare(header, 0n);
    share.timeSeen = opts.timeSeen ?? 0;
    share.peerAddr = opts.peerAddr ?? null;
    tracker.add(share);
    shares.push(share);
    prev = share.hash;
  }
  return { tracker, shares };
}
