// The in-process pool for the core-work tests: a real full node (litecoind or btcd, regtest) behind a
// real TemplateBuilder, a real Sharechain on a FileShareStore in a temp dir, CoreWorkSource and
// CoreShareSink wired to them exactly as the cluster wires them over the bus, and an EdgeServer on a
// free port. Also the independent expectation of a block's coinbase: PPLNS from the sharechain's
// full tracker (not the edge's basis view).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NETWORKS,
  bitsToTarget,
  targetToAverageAttempts,
  coinbaseAmounts,
  payoutOrder,
  donationKey,
  finderKey,
  layoutFor,
  addressToScriptJT,
  witnessCommitmentScript,
  refOutputScript,
  DONATION_SCRIPT,
  type Network,
  type Share,
} from '../../services/core/index.ts';
import { Sharechain, type ShareResult } from '../../services/sharechain/sharechain.ts';
import type { WorkBasis } from '../../services/pool/work/basis.ts';
import { FileShareStore } from '../../services/sharechain/store/file-store.ts';
import { EdgeServer, edgeConfigForParent } from '../../services/edge/index.ts';
import { CoreWorkSource, CoreShareSink, type ShareMeta } from '../../services/edge/core-work/index.ts';
import type { TemplateBuilder } from '../../services/template-builder/builder.ts';
import type { SubmitResult } from '../../services/full-node/submit-result.ts';
import type { LitecoindNode } from '../harness/litecoind.ts';
import type { BtcdNode } from '../harness/btcd.ts';
import { regtestAddress } from '../harness/keys.ts';
import { builderFor, nodeConfig } from '../template-builder/helpers.ts';
import { waitFor } from '../harness/wait.ts';

/**
 * litecoin_regtest with easier-to-control shares. litecoind's regtest blocks need ~2 scrypt hashes, so
 * every pseudoshare is a block, and a best share that is a block solution sets the reference's
 * punish_aggressively (§7.2, a quirk kept), which asks for difficulty-1 shares: clipped to
 * pre_target3 / 30. With MAX_TARGET 2^249 (pre_target3 stays there for the first TARGET_LOOKBEHIND
 * shares) that is ~3,800 hashes: about one share, and one block, per second per CPU miner. With the
 * builtin 2^255 the pseudoshare floor (every share is a pseudoshare) would make every 60th hash a block.
 */
export const LITECOIN_NET: Network = { ...NETWORKS.litecoin_regtest!, NAME: 'litecoin_regtest_corework', MAX_TARGET: (1n << 249n) - 1n };
export const LITECOIN_NODE_ADDRESS = regtestAddress('litecoin', 'core-work node');
/** bitcoin_regtest the same way: btcd's regtest blocks (bits 207fffff) need ~2 sha256d hashes too. */
export const BITCOIN_NET: Network = { ...NETWORKS.bitcoin_regtest!, NAME: 'bitcoin_regtest_corework', MAX_TARGET: (1n << 249n) - 1n };
export const BITCOIN_NODE_ADDRESS = regtestAddress('bitcoin', 'core-work node');

/** What the stack needs of a full node: where to reach it, the pool's network, and its getblock dialect. */
export interface StackNode {
  coin: 'bitcoin' | 'litecoin';
  /** The sharechain network run on this node. */
  net: Network;
  /** The sharechain's payout address (also what non-address usernames mine for). */
  nodeAddress: string;
  rpcUrl: string;
  user: string;
  pass: string;
  p2pPort: number;
  /** The block (verbose) and its coinbase transaction as the node decodes them. */
  blockWithCoinbase(hash: string): Promise<{ block: any; coinbase: any }>;
}

export function litecoindStackNode(ltc: LitecoindNode): StackNode {
  return {
    coin: 'litecoin',
    net: LITECOIN_NET,
    nodeAddress: LITECOIN_NODE_ADDRESS,
    rpcUrl: ltc.rpcUrl,
    user: ltc.user,
    pass: ltc.pass,
    p2pPort: ltc.p2pPort,
    blockWithCoinbase: async (hash) => {
      const block = await ltc.call<any>('getblock', hash, 2);
      return { block, coinbase: block.tx[0] };
    },
  };
}

export function btcdStackNode(btcd: BtcdNode): StackNode {
  return {
    coin: 'bitcoin',
    net: BITCOIN_NET,
    nodeAddress: BITCOIN_NODE_ADDRESS,
    rpcUrl: btcd.rpcUrl,
    user: btcd.user,
    pass: btcd.pass,
    p2pPort: btcd.p2pPort,
    // btcd's verbosity 2 puts the decoded transactions in `rawtx` (`tx` is left out).
    blockWithCoinbase: async (hash) => {
      const block = await btcd.call<any>('getblock', hash, 2);
      return { block, coinbase: block.rawtx[0] };
    },
  };
}

export interface LocalShare {
  share: Share;
  meta: ShareMeta;
  result: ShareResult | null;
}

export interface Stack {
  tb: TemplateBuilder;
  sc: Sharechain;
  work: CoreWorkSource;
  sink: CoreShareSink;
  edge: EdgeServer;
  port: number;
  node: StackNode;
  /** The last work basis the sharechain published to the edge. */
  readonly basis: WorkBasis | null;
  /** Every submission result of a block found by our miners. */
  blocks: SubmitResult[];
  /** Every share the sink built, with the sharechain's answer once it came. */
  shares: LocalShare[];
  stop(): Promise<void>;
}

export async function startStack(node: StackNode): Promise<Stack> {
  const net = node.net;
  const dir = mkdtempSync(join(tmpdir(), 'core-work-sc-'));
  const tb = builderFor(node.coin, [nodeConfig(node, { p2pSubmit: 'off' })]);
  const sc = new Sharechain({
    net,
    store: new FileShareStore(dir),
    payout: { address: node.nodeAddress, workerFeePercent: 0, donationPercent: 0 },
    thinkIntervalMs: 1000,
  });
  const work = new CoreWorkSource({ net, coinbaseTexts: ['/p2pool-ts/'] });
  const blocks: SubmitResult[] = [];
  const shares: LocalShare[] = [];
  // Template builder → edge and sharechain (the TemplatePublished event in the cluster).
  tb.on('work', ({ work: w }) => {
    work.setWork(w);
    sc.setTemplate({ templateId: w.templateId, previousBlock: w.previousBlock, bits: w.bits, height: w.height, subsidy: w.coinbaseValue });
  });
  tb.on('no-work', () => work.setWork(null));
  // Sharechain → edge (WorkBasisPublished).
  let basis: WorkBasis | null = null;
  sc.onWorkBasis((b) => {
    basis = b;
    work.setBasis(b);
  });
  const sink = new CoreShareSink({
    // Edge → template builder (SubmitBlock) and → sharechain (SubmitShare); never awaited by the sink.
    submitBlock: (block) =>
      tb.submitBlock(block).then((r) => {
        blocks.push(r);
        return r;
      }),
    submitShare: (packed, meta) => {
      const entry: LocalShare = { share: null as unknown as Share, meta, result: null };
      shares.push(entry);
      return sc.submitLocal(packed, { doa: meta.doa, miner: meta.miner }).then((r) => {
        entry.result = r;
        return r;
      });
    },
    onShare: (share) => {
      shares.at(-1)!.share = share;
    },
  });
  const edge = new EdgeServer({
    config: { ...edgeConfigForParent(net.PARENT), host: '127.0.0.1', port: 0 },
    workSource: work,
    shareSink: sink,
  });
  await sc.start();
  tb.start();
  const port = await edge.start();
  await waitFor('work from the core-work source', () => work.unavailableReason() === null, 30_000);
  return {
    node,
    tb,
    sc,
    work,
    sink,
    edge,
    port,
    blocks,
    shares,
    get basis() {
      return basis;
    },
    stop: async () => {
      await edge.stop();
      tb.stop();
      await sc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ExpectedOutput {
  script: string;
  value: bigint;
}

/**
 * The gentx outputs a block found by `share` must have, computed from the sharechain's full tracker
 * with the core's PPLNS (docs/protocol.md §4.5 steps 5–7 and 10): witness commitment, payouts in order, the
 * donation, the OP_RETURN ref output (its 32-byte ref hash and nonce taken from the share).
 */
export function expectedOutputs(sc: Sharechain, share: Share): ExpectedOutput[] {
  const net = sc.net;
  const tracker = sc.tracker;
  const prev = share.previousHash === null ? undefined : tracker.get(share.previousHash);
  const [height] = tracker.getHeightAndLast(share.previousHash);
  const start = prev ? prev.previousHash : null;
  const maxShares = Math.max(0, Math.min(height, net.REAL_CHAIN_LENGTH) - 1);
  const desiredWeight = 65535n * BigInt(net.SPREAD) * targetToAverageAttempts(bitsToTarget(share.headerBits));
  const { weights, total } = tracker.pplns.get(start, maxShares, desiredWeight);
  const layout = layoutFor(net, share.type);
  const d = share.shareData;
  const don = donationKey(net, layout);
  const amounts = coinbaseAmounts(d.subsidy, weights, total, finderKey(net, layout, d), don);
  const out: ExpectedOutput[] = [];
  const seg = share.contents.shareInfo.segwitData;
  if (layout.segwit && seg) out.push({ script: witnessCommitmentScript(seg.wtxidMerkleRoot).toString('hex'), value: 0n });
  for (const k of payoutOrder(amounts, don)) {
    if (k === don || amounts.get(k) === 0n) continue;
    out.push({ script: addressToScriptJT(k, net.PARENT, layout.rules.paddingBugfix).toString('hex'), value: amounts.get(k)! });
  }
  out.push({ script: DONATION_SCRIPT.toString('hex'), value: amounts.get(don)! });
  out.push({ script: refOutputScript(share.refHash, share.contents.lastTxoutNonce).toString('hex'), value: 0n });
  return out;
}

/** A block's coinbase outputs as the node decodes them, with the verbose block and the coinbase. */
export async function blockCoinbaseOutputs(
  node: StackNode,
  hash: string,
): Promise<{ outputs: ExpectedOutput[]; block: any; coinbase: any }> {
  const { block, coinbase } = await node.blockWithCoinbase(hash);
  const outputs = coinbase.vout.map((o: any) => ({ script: o.scriptPubKey.hex as string, value: BigInt(Math.round(o.value * 1e8)) }));
  return { outputs, block, coinbase };
}
